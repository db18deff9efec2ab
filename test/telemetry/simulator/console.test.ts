import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { AttributeIds, OPCUAClient, type ClientSession } from "node-opcua";
import { simulatorNodeId } from "../../../telemetry/simulator/node-ids";

const ROOT = path.resolve(__dirname, "../../..");

/** `npm run simulator` as a person runs it, typing commands into its terminal. */
describe("simulator console (npm run simulator, commands typed on stdin)", function () {
  this.timeout(120_000);
  let child: ChildProcessWithoutNullStreams;
  let output = "";
  let dataDir: string;
  let client: OPCUAClient;
  let session: ClientSession;

  const waitFor = (pattern: RegExp, ms = 60_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const deadline = Date.now() + ms;
      const check = () => {
        const match = pattern.exec(output);
        if (match) return resolve(match);
        if (Date.now() > deadline) return reject(new Error(`no ${pattern} in:\n${output}`));
        setTimeout(check, 50);
      };
      check();
    });
  const type = async (line: string, answer: RegExp) => {
    const before = output.length;
    child.stdin.write(`${line}\n`);
    const deadline = Date.now() + 10_000;
    while (!answer.test(output.slice(before))) {
      if (Date.now() > deadline) throw new Error(`no answer ${answer} to "${line}":\n${output.slice(before)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const scenario = async (fountainId: string) =>
    (await session.read({ nodeId: simulatorNodeId(fountainId, "Fault"), attributeId: AttributeIds.Value })).value
      .value as string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fontaine-simulator-console-"));
    child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "telemetry/simulator/main.ts")], {
      cwd: ROOT,
      env: { ...process.env, SIMULATOR_PORT: "0", SIMULATOR_FOUNTAINS: "2", DATA_DIR: dataDir, SIMULATOR_CONSOLE: "1" },
    });
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const [, endpoint] = await waitFor(/Fountain simulator \(OPC UA\): (opc\.tcp:\/\/\S+)/);
    await waitFor(/Type "help"/);
    client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 2, initialDelay: 100 } });
    await client.connect(endpoint!);
    session = await client.createSession();
  });
  after(async () => {
    await session?.close().catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
    child?.kill("SIGTERM");
    if (child && child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("should start and end a fault scenario from typed commands, as seen over OPC UA", async () => {
    expect(await scenario("F0001")).to.equal("none");
    await type("fault F0001 heaterFailure", /F0001: heaterFailure/);
    expect(await scenario("F0001")).to.equal("heaterFailure");
    await type("status", /F0001 \w+\s+basin [\d.]+ °C, tower [\d.]+ °C, flow [\d.]+ L\/min, scenario heaterFailure/);
    await type("repair F0001", /F0001: repaired/);
    expect(await scenario("F0001")).to.equal("none");
  });

  it("should explain unknown fountains, scenarios and commands", async () => {
    await type("fault F0099 heaterFailure", /unknown fountain F0099; one of F0001, F0002/);
    await type("fault F0002 meltdown", /unknown scenario meltdown; one of none, .*heaterFailure/);
    await type("dance", /unknown command dance\nCommands:/);
    expect(await scenario("F0002")).to.equal("none");
  });
});
