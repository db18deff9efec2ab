import { expect } from "chai";
import fc from "fast-check";
import { type AlertEngine, createAlertEngine, WHOLE_FOUNTAIN } from "../../../telemetry/alerts/engine";
import { type AlertLimitsOverrides, resolveAlertLimits } from "../../../telemetry/alerts/limits";
import type { AlertTransition, ChocolateType, FountainDescription, Quality, Reading } from "../../../telemetry/model";

const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);

function fountain(chocolate: ChocolateType, fountainId = "F1", withHeater = true): FountainDescription {
  return {
    fountainId,
    organisationId: "org-01",
    name: fountainId,
    chocolate,
    sensors: [
      { sensor: "basin", kind: "temperature", position: "basin", unit: "°C" },
      { sensor: "tower", kind: "temperature", position: "tower", unit: "°C" },
      { sensor: "plate", kind: "temperature", position: "heater", unit: "°C" },
      { sensor: "flow", kind: "flow", position: "tower", unit: "L/min" },
      ...(withHeater
        ? [{ sensor: "power", kind: "heaterPower" as const, position: "heater" as const, unit: "W" }]
        : []),
    ],
  };
}

/** An engine on a simulated clock, with helpers that advance it. */
function harness(fountains: FountainDescription[], overrides: AlertLimitsOverrides = {}) {
  let now = T0;
  const transitions: AlertTransition[] = [];
  const engine: AlertEngine = createAlertEngine({
    limits: resolveAlertLimits(overrides),
    clock: () => now,
    fountains,
  });
  engine.on("transition", (t) => transitions.push(t));
  const units: Record<string, string> = { flow: "L/min", power: "W" };
  const feed = (sensor: string, value: number, quality: Quality = "good", fountainId = fountains[0]!.fountainId) => {
    const reading: Reading = {
      fountainId,
      sensor,
      value,
      unit: units[sensor] ?? "°C",
      quality,
      sourceTimestamp: now,
      receivedAt: now,
    };
    engine.ingest(reading);
  };
  /** Advances the clock second by second, feeding `values` each second and ticking. */
  const run = (seconds: number, values: Record<string, number> = {}) => {
    for (let i = 0; i < seconds; i++) {
      now += 1_000;
      for (const [sensor, value] of Object.entries(values)) feed(sensor, value);
      engine.tick();
    }
  };
  const of = (kind: string, sensor?: string) =>
    transitions.filter((t) => t.kind === kind && (sensor === undefined || t.sensor === sensor)).map((t) => t.state);
  return { engine, transitions, feed, run, of, now: () => now };
}

/** Healthy values for a dark-chocolate fountain besides the sensors under test. */
const healthy = { tower: 46, plate: 60, flow: 2.4, power: 300 };

describe("alert engine", () => {
  describe("temperature limits by chocolate and position", () => {
    it("should use domain.md's bands: 41 °C is fine for dark, too hot for white", () => {
      const dark = harness([fountain("dark")], { onDelayMs: 0 });
      dark.run(2, { ...healthy, basin: 41 });
      expect(dark.transitions.filter((t) => t.kind !== "sensorOffline")).to.deep.equal([]);
      const white = harness([fountain("white")], { onDelayMs: 0 });
      white.run(2, { ...healthy, plate: 55, basin: 48 });
      expect(white.of("highTemperature", "basin")).to.deep.equal(["raised"]);
      expect(white.of("highTemperatureWarning", "basin")).to.deep.equal(["raised"]);
    });

    it("should give the heater plate its own band: 60 °C on the plate is normal", () => {
      const h = harness([fountain("milk")], { onDelayMs: 0 });
      h.run(5, { ...healthy, basin: 44, tower: 43, plate: 60 });
      expect(h.transitions).to.deep.equal([]);
    });

    it("should honour per-chocolate and per-fountain overrides", () => {
      const h = harness([fountain("dark", "F1"), fountain("dark", "F2")], {
        onDelayMs: 0,
        temperature: { dark: { basin: { lowAlarm: 44 } } },
        fountains: { F2: { basin: { lowAlarm: 30 } } },
      });
      h.run(1, { ...healthy });
      h.feed("basin", 42, "good", "F1");
      h.feed("basin", 42, "good", "F2");
      expect(h.transitions.filter((t) => t.kind === "lowTemperature").map((t) => t.fountainId)).to.deep.equal(["F1"]);
    });
  });

  describe("delays and hysteresis (simulated clock)", () => {
    it("should raise a low-temperature alarm only after the on-delay", () => {
      const h = harness([fountain("dark")]);
      h.run(30, { ...healthy, basin: 39.5 }); // below since T0 + 1 s: 29 s so far
      expect(h.of("lowTemperature")).to.deep.equal([]);
      h.run(1, { ...healthy, basin: 39.5 });
      expect(h.of("lowTemperature")).to.deep.equal(["raised"]);
      const raised = h.transitions.find((t) => t.kind === "lowTemperature")!;
      expect(raised).to.include({ severity: "alarm", sensor: "basin", value: 39.5, unit: "°C", since: T0 + 1_000 });
      expect(raised.at - raised.since).to.equal(30_000);
    });

    it("should not flap on a value wandering around the threshold", () => {
      const h = harness([fountain("dark")]);
      for (let i = 0; i < 120; i++) h.run(1, { ...healthy, basin: i % 20 < 15 ? 39.8 : 40.2 });
      // 15 s below, 5 s above: never 30 s in a row below → never raised.
      expect(h.of("lowTemperature")).to.deep.equal([]);
    });

    it("should clear only ~1 K back inside the band and after the off-delay", () => {
      const h = harness([fountain("dark")]);
      h.run(31, { ...healthy, basin: 39 });
      expect(h.of("lowTemperature")).to.deep.equal(["raised"]);
      h.run(60, { ...healthy, basin: 40.5 }); // inside the band, but within the hysteresis
      expect(h.of("lowTemperature")).to.deep.equal(["raised"]);
      h.run(9, { ...healthy, basin: 41.1 });
      expect(h.of("lowTemperature")).to.deep.equal(["raised"]);
      h.run(2, { ...healthy, basin: 41.1 });
      expect(h.of("lowTemperature")).to.deep.equal(["raised", "cleared"]);
    });

    it("should raise after the on-delay even when no new reading arrives (deadband)", () => {
      const h = harness([fountain("dark")]);
      h.run(1, { ...healthy, basin: 55 });
      h.run(40, { tower: 46, plate: 60, flow: 2.4, power: 300 }); // basin silent: value unchanged
      expect(h.of("highTemperature")).to.deep.equal(["raised"]);
    });

    it("should never raise or clear from values that move less than the hysteresis (property)", () => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: 39.01, max: 39.99, noNaN: true }), { minLength: 40, maxLength: 80 }),
          (values) => {
            const h = harness([fountain("dark")], { offDelayMs: 0 });
            h.run(31, { ...healthy, basin: 39 });
            for (const v of values) h.run(1, { ...healthy, basin: v });
            return h.of("lowTemperature").join() === "raised";
          },
        ),
        { seed: 42, numRuns: 50 },
      );
    });
  });

  describe("flow stop, stuck sensor, staleness, quality", () => {
    it("should detect a flow stop within seconds", () => {
      const h = harness([fountain("dark")]);
      h.run(5, { ...healthy, basin: 47 });
      h.run(3, { ...healthy, basin: 47, flow: 0 });
      expect(h.of("flowStopped")).to.deep.equal([]);
      h.run(1, { ...healthy, basin: 47, flow: 0 });
      expect(h.of("flowStopped")).to.deep.equal(["raised"]);
      h.run(4, { ...healthy, basin: 47 });
      expect(h.of("flowStopped")).to.deep.equal(["raised", "cleared"]);
    });

    it("should flag a sensor stuck while the heater works, not while the heater is off", () => {
      const h = harness([fountain("dark")]);
      h.run(60, { ...healthy, power: 0, basin: 47.25 });
      h.run(120, { ...healthy, power: 0, basin: 47.25 });
      expect(h.of("sensorStuck")).to.deep.equal([]);
      h.run(1, { ...healthy, power: 400, basin: 47.25 });
      expect(h.of("sensorStuck", "basin")).to.deep.equal(["raised"]);
      const stuck = h.transitions.find((t) => t.kind === "sensorStuck")!;
      expect(stuck.since).to.equal(T0 + 1_000);
      h.run(1, { ...healthy, power: 400, basin: 47.3 });
      expect(h.of("sensorStuck", "basin")).to.deep.equal(["raised", "cleared"]);
      // The other sensors moved by less than epsilon too (constant test values), but kept their own timers.
      expect(h.of("sensorStuck", "tower")).to.deep.equal(["raised"]);
    });

    it("should report a silent fountain as offline since its last reading, and clear on the next one", () => {
      const h = harness([fountain("dark")]);
      h.run(5, { ...healthy, basin: 47 });
      const lastHeard = h.now();
      h.run(14);
      expect(h.of("sensorOffline")).to.deep.equal([]);
      h.run(1);
      expect(h.of("sensorOffline", WHOLE_FOUNTAIN)).to.deep.equal(["raised"]);
      expect(h.transitions.find((t) => t.kind === "sensorOffline")!.since).to.equal(lastHeard);
      h.run(1, { basin: 47 });
      expect(h.of("sensorOffline")).to.deep.equal(["raised", "cleared"]);
    });

    it("should never count Bad readings as values and raise a quality alert", () => {
      const h = harness([fountain("dark")]);
      h.run(3, { ...healthy, basin: 47 });
      for (let i = 0; i < 60; i++) {
        h.run(1, healthy);
        h.feed("basin", 20, "bad");
      }
      expect(h.of("lowTemperature")).to.deep.equal([]);
      expect(h.of("badQuality", "basin")).to.deep.equal(["raised"]);
      expect(h.transitions.find((t) => t.kind === "badQuality")!.severity).to.equal("alarm");
      h.run(1, { ...healthy, basin: 47 });
      expect(h.of("badQuality", "basin")).to.deep.equal(["raised", "cleared"]);
    });

    it("should keep a raised temperature alarm frozen while readings are uncertain", () => {
      const h = harness([fountain("dark")]);
      h.run(31, { ...healthy, basin: 38 });
      for (let i = 0; i < 30; i++) {
        h.run(1, healthy);
        h.feed("basin", 47, "uncertain");
      }
      expect(h.of("lowTemperature")).to.deep.equal(["raised"]);
      expect(h.of("badQuality")).to.deep.equal(["raised"]);
      expect(h.transitions.find((t) => t.kind === "badQuality")!.severity).to.equal("warning");
    });
  });

  describe("acknowledgement", () => {
    it("should record who acknowledged, keep the alert active until it clears, and be idempotent", () => {
      const h = harness([fountain("dark")]);
      h.run(31, { ...healthy, basin: 56 });
      const alarm = h.engine.active().find((t) => t.kind === "highTemperature")!;
      expect(alarm.state).to.equal("raised");
      expect(h.engine.acknowledge("nope", "alice")).to.equal(undefined);
      const ack = h.engine.acknowledge(alarm.alertId, "alice@org-01")!;
      expect(ack).to.include({ state: "acknowledged", acknowledgedBy: "alice@org-01", alertId: alarm.alertId });
      expect(h.engine.acknowledge(alarm.alertId, "bob")).to.deep.equal(ack);
      expect(h.of("highTemperature")).to.deep.equal(["raised", "acknowledged"]);
      expect(h.engine.active().find((t) => t.kind === "highTemperature")?.state).to.equal("acknowledged");
      h.run(11, { ...healthy, basin: 47 });
      expect(h.of("highTemperature")).to.deep.equal(["raised", "acknowledged", "cleared"]);
      const cleared = h.transitions.filter((t) => t.kind === "highTemperature").at(-1)!;
      expect(cleared).to.include({ alertId: alarm.alertId, acknowledgedBy: "alice@org-01" });
      expect(h.engine.active().some((t) => t.kind === "highTemperature")).to.equal(false);
      expect(h.engine.acknowledge(alarm.alertId, "carol")).to.equal(undefined);
    });

    it("should give a new occurrence a new alert id", () => {
      const h = harness([fountain("dark")], { onDelayMs: 0, offDelayMs: 0 });
      h.run(1, { ...healthy, basin: 39 });
      h.run(1, { ...healthy, basin: 42 });
      h.run(1, { ...healthy, basin: 39 });
      const ids = h.transitions.filter((t) => t.kind === "lowTemperature").map((t) => t.alertId);
      expect(ids).to.have.length(3);
      expect(ids[0]).to.equal(ids[1]);
      expect(ids[2]).to.not.equal(ids[0]);
    });
  });

  describe("fountains", () => {
    it("should clear the alerts of a fountain that disappears and ignore unknown fountains", () => {
      const h = harness([fountain("dark", "F1"), fountain("dark", "F2")], { onDelayMs: 0 });
      h.run(1, { ...healthy, basin: 30 });
      h.feed("basin", 30, "good", "ghost");
      expect(h.engine.active().map((t) => t.fountainId)).to.include("F1");
      h.engine.setFountains([fountain("dark", "F2")]);
      expect(h.engine.active().some((t) => t.fountainId === "F1")).to.equal(false);
      expect(h.transitions.some((t) => t.fountainId === "ghost")).to.equal(false);
    });

    it("should apply a chocolate change from rediscovery", () => {
      const h = harness([fountain("dark")], { onDelayMs: 0 });
      h.run(1, { ...healthy, basin: 48 });
      expect(h.of("highTemperature")).to.deep.equal([]);
      h.engine.setFountains([fountain("white")]);
      h.run(1, { ...healthy, plate: 55, basin: 48 });
      expect(h.of("highTemperature")).to.deep.equal(["raised"]);
    });
  });
});
