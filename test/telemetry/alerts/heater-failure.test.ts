import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { silentLogger } from "../../../sdk/server";
import { createAlertEngine } from "../../../telemetry/alerts/engine";
import { resolveAlertLimits } from "../../../telemetry/alerts/limits";
import { parseGatewayConfig } from "../../../telemetry/gateway/config";
import { createGateway } from "../../../telemetry/gateway/gateway";
import type { AlertTransition } from "../../../telemetry/model";
import { simulatorFountainMappings } from "../../../telemetry/simulator/node-ids";
import { startSimulator } from "../../../telemetry/simulator/server";

describe("alerts end to end: simulator → gateway → alert engine", function () {
  this.timeout(40_000);

  it("should raise a low-temperature alarm on heater failure and clear it after repair", async () => {
    // One real second is one model minute, so the slow cooling of a failed heater takes seconds.
    const simulator = await startSimulator({
      port: 0,
      fountains: 2,
      updateIntervalMs: 100,
      timeScale: 60,
      pkiFolder: path.join(os.tmpdir(), "fontaine-test-pki", "simulator"),
    });
    const config = parseGatewayConfig({
      subscription: { publishingIntervalMs: 100, samplingIntervalMs: 100, maxKeepAliveCount: 3, lifetimeCount: 12 },
      pki: {
        folder: path.join(os.tmpdir(), "fontaine-test-pki", "gateway-dev"),
        automaticallyAcceptUnknownCertificate: true,
      },
      endpoints: [
        { id: "sim", url: simulator.endpointUrl, fountains: simulatorFountainMappings(simulator.fountains()) },
      ],
    });
    const gateway = createGateway({ config, logger: silentLogger() });
    const transitions: AlertTransition[] = [];
    const engine = createAlertEngine({
      limits: resolveAlertLimits({ onDelayMs: 500, offDelayMs: 500 }),
      clock: Date.now,
      fountains: gateway.fountains(),
    });
    engine.on("transition", (t) => transitions.push(t));
    gateway.on("fountains", (f) => engine.setFountains(f));
    gateway.on("reading", (r) => engine.ingest(r));
    const ticker = setInterval(() => engine.tick(), 100);
    const waitFor = async (probe: () => boolean, ms: number, what: string) => {
      const deadline = Date.now() + ms;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await gateway.start();
      await waitFor(() => gateway.status().state === "connected", 5_000, "connected");
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(transitions.filter((t) => t.fountainId === "F0001")).to.deep.equal([]);

      simulator.setFault("F0001", "heaterFailure");
      const low = (state: string) => () =>
        transitions.some(
          (t) =>
            t.fountainId === "F0001" &&
            t.sensor === "basinTemperature" &&
            t.kind === "lowTemperature" &&
            t.state === state,
        );
      await waitFor(low("raised"), 15_000, "low-temperature alarm");
      const raised = transitions.find((t) => t.kind === "lowTemperature" && t.sensor === "basinTemperature")!;
      expect(raised.value).to.be.below(40);
      expect(raised.unit).to.equal("°C");

      simulator.setFault("F0001", "none");
      await waitFor(low("cleared"), 20_000, "alarm cleared after repair");
      // The healthy neighbour never alarmed.
      expect(transitions.filter((t) => t.fountainId === "F0002")).to.deep.equal([]);
    } finally {
      clearInterval(ticker);
      await gateway.stop();
      await simulator.stop();
    }
  });
});
