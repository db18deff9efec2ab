import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { type ClientSession, OPCUAClient } from "node-opcua";
import { endpointSchema } from "../../../telemetry/gateway/config";
import { discoverFountainMappings } from "../../../telemetry/gateway/mapping-discovery";
import { simulatorFountainMappings } from "../../../telemetry/simulator/node-ids";
import { startSimulator, type Simulator } from "../../../telemetry/simulator/server";
import { startVendorServer, VENDOR_IDS, type VendorServer } from "./vendor-server";

async function withSession<T>(url: string, use: (session: ClientSession) => Promise<T>): Promise<T> {
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await client.connect(url);
  const session = await client.createSession();
  try {
    return await use(session);
  } finally {
    await session.close();
    await client.disconnect();
  }
}

describe("mapping generation by browsing a server", function () {
  this.timeout(60_000);
  let simulator: Simulator;
  let vendor: VendorServer;

  before(async () => {
    simulator = await startSimulator({
      port: 0,
      fountains: 3,
      organisations: 2,
      pkiFolder: path.join(os.tmpdir(), "fontaine-test-pki", "simulator"),
    });
    vendor = await startVendorServer();
  });
  after(async () => {
    await simulator?.stop();
    await vendor?.stop();
  });

  it("should rebuild the simulator's documented mapping from the Objects folder", async () => {
    const { fountains, warnings } = await withSession(simulator.endpointUrl, (session) =>
      discoverFountainMappings(session, { organisationId: "unknown" }),
    );
    expect(warnings).to.deep.equal([]);
    // Sensor ids are derived from browse names; everything else must match the documented mapping.
    const comparable = (list: typeof fountains) =>
      list.map((f) => ({
        fountainId: f.fountainId,
        chocolateNodeId: f.chocolateNodeId,
        sensors: f.sensors.map(({ kind, position, nodeId }) => ({ kind, position, nodeId })),
      }));
    expect(comparable(fountains)).to.deep.equal(comparable(simulatorFountainMappings(simulator.fountains())));
    expect(fountains.map((f) => f.organisationId)).to.deep.equal(["org-01", "org-02", "org-01"]);
    // Names come from display names, ids from browse names.
    expect(fountains.map((f) => f.name)).to.deep.equal(simulator.fountains().map((f) => f.name));
  });

  it("should map a vendor layout with numeric node ids and warn about a sensor without units", async () => {
    const { fountains, warnings } = await withSession(vendor.endpointUrl, (session) =>
      discoverFountainMappings(session, { organisationId: "org-acme", chocolate: "milk" }),
    );
    expect(fountains).to.have.length(1);
    const [line] = fountains;
    const ns = vendor.namespaceIndex;
    expect(line).to.deep.include({ fountainId: "Line7", organisationId: "org-acme", chocolate: "milk" });
    expect(line!.chocolateNodeId).to.equal(`ns=${ns};i=${VENDOR_IDS.recipe}`);
    const byNode = Object.fromEntries(line!.sensors.map((s) => [s.nodeId, s]));
    expect(byNode[`ns=${ns};i=${VENDOR_IDS.basinF}`]).to.deep.include({ kind: "temperature", position: "basin" });
    expect(byNode[`ns=${ns};i=${VENDOR_IDS.curtainF}`]).to.deep.include({ kind: "temperature", position: "tower" });
    expect(byNode[`ns=${ns};i=${VENDOR_IDS.flowCubicMetresPerHour}`]).to.deep.include({ kind: "flow" });
    expect(byNode[`ns=${ns};i=${VENDOR_IDS.motor}`]).to.deep.include({ kind: "motor", position: "motor" });
    expect(warnings.join("\n")).to.match(new RegExp(`i=${VENDOR_IDS.bareTemperatureF}.*no EngineeringUnits`));
  });

  it("should print a valid endpoint section from the command line", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/telemetry/generate-mapping.ts",
        "--url",
        simulator.endpointUrl,
        "--id",
        "simulator",
        "--root",
        "ns=1;s=Fountains",
        "--pki",
        path.join(os.tmpdir(), "fontaine-test-pki", "generator"),
      ],
      { cwd: path.resolve(__dirname, "../../.."), timeout: 45_000 },
    );
    const endpoint = endpointSchema.parse(JSON.parse(stdout));
    expect(endpoint.id).to.equal("simulator");
    expect(endpoint.fountains.map((f) => f.fountainId)).to.deep.equal(["F0001", "F0002", "F0003"]);
  });
});
