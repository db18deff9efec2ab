/**
 * `npm start`: the whole stack on embedded defaults — a persistent local chain (unless RPC_URL
 * points at an external one), the contracts deployed once, the provenance API with the web pages,
 * the fountain simulator and the telemetry service — as one supervised process tree.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline/promises";
import { chainErrorMessage } from "../../sdk/chain";
import { lockDataFolder, type DataFolderLock } from "../../sdk/server";
import { seedDemo, type DemoAccount } from "../demo/seed";
import { startChainNode, type ChainNode } from "./chain-node";
import { ensureLocalDeployment, externalDeployment, LOCAL_ACCOUNTS } from "./deployment";
import { prepareLocalTelemetry } from "./local-telemetry";
import { loadStartOptions, type StartOptions } from "./options";
import { isListening, takenPorts } from "./ports";
import { Supervisor, waitForHttp, type ServiceSpec } from "./supervisor";

const root = path.resolve(__dirname, "..", "..");
const say = (line: string) => console.log(`fontaine │ ${line}`);

function tsEntry(file: string, args: string[] = []): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", "tsx", path.join(root, file), ...args] };
}

/** Runs an npm script in the foreground when its output is missing (first start). */
function buildIfMissing(what: string, marker: string, script: string): void {
  if (fs.existsSync(path.join(root, marker))) return;
  say(`${what}…`);
  const result = spawnSync("npm", ["run", "--silent", script], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${what} failed (npm run ${script})`);
}

async function waitForTcp(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

/** A service to start, once the service named by `after` (if any) is up. */
type StartSpec = ServiceSpec & { after?: string };

/**
 * Starts the services together, each once the one it comes `after` is up (the others do not wait for one another:
 * each is a Node process loading its own code); `onUp` is told of each as it comes up. Resolves with the first
 * service that failed to start, if any, once every start has settled.
 */
async function startServices(
  supervisor: Supervisor,
  specs: StartSpec[],
  onUp: (name: string) => void,
): Promise<{ name: string; error: unknown } | undefined> {
  const starts = new Map<string, Promise<void>>();
  for (const spec of specs) {
    starts.set(
      spec.name,
      (async () => {
        if (spec.after) await starts.get(spec.after);
        await supervisor.start(spec);
        onUp(spec.name);
      })(),
    );
  }
  const results = await Promise.allSettled(starts.values());
  const index = results.findIndex((result) => result.status === "rejected");
  if (index < 0) return undefined;
  return { name: specs[index]!.name, error: (results[index] as PromiseRejectedResult).reason };
}

function serviceSpecs(
  options: StartOptions,
  rpcUrl: string,
  deploymentFile: string,
  telemetry: { configFile: string; simulatorArgs: string[] },
): StartSpec[] {
  const common = {
    DATA_DIR: options.dataDir,
    LOG_LEVEL: options.logLevel,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  };
  return [
    {
      name: "simulator",
      ...tsEntry("telemetry/simulator/main.ts", telemetry.simulatorArgs),
      env: {
        ...common,
        SIMULATOR_PORT: String(options.opcuaPort),
        SIMULATOR_PKI: path.join(options.dataDir, "simulator", "pki"),
      },
      ready: () => waitForTcp(options.opcuaPort),
    },
    {
      name: "api",
      ...tsEntry("api/server.ts"),
      env: {
        ...common,
        API_PORT: String(options.apiPort),
        // Pages are served from http://localhost:<port> (the sign-in domain); the loopback address works too.
        SIWE_ORIGIN: `http://localhost:${options.apiPort}`,
        CORS_ORIGINS: `http://127.0.0.1:${options.apiPort}`,
        LIVE_VIEW_URL: `http://localhost:${options.telemetryPort}/live/`,
        RPC_URL: rpcUrl,
        DEPLOYMENT: deploymentFile,
        ...(options.rpcUrl ? {} : { RELAYER_ACCOUNT_INDEX: String(LOCAL_ACCOUNTS.relayer) }),
      },
      ready: () => waitForHttp(`http://127.0.0.1:${options.apiPort}/healthz`),
    },
    {
      name: "telemetry",
      // Its first connection goes to the simulator: started once that answers (no retry noise at start).
      after: "simulator",
      ...tsEntry("telemetry/server.ts"),
      env: {
        ...common,
        TELEMETRY_PORT: String(options.telemetryPort),
        TELEMETRY_CONFIG: telemetry.configFile,
        TELEMETRY_WEB_DIR: path.join(root, "web", "dist"),
      },
      ready: () => waitForHttp(`http://127.0.0.1:${options.telemetryPort}/healthz`),
    },
  ];
}

/** On a first start in a terminal, offers the demo data. */
async function askForDemo(options: StartOptions): Promise<boolean> {
  if (options.demo) return true;
  if (fs.existsSync(path.join(options.dataDir, "demo-accounts.json"))) return true;
  if (fs.existsSync(path.join(options.dataDir, "deployment.json")) || !process.stdin.isTTY || process.env.CI) {
    return false;
  }
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(
      "fontaine │ First start: load the demo federation (organisations, attestations, fountains)? [Y/n] ",
    );
    return !/^n/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

function printDemoAccounts(accounts: DemoAccount[], options: StartOptions, liveTokens: Record<string, string>): void {
  console.log("");
  console.log("  Demo wallets (import a private key into MetaMask or a compatible wallet; local chain only):");
  for (const account of accounts) {
    console.log(
      `    ${account.role.padEnd(9)} ${account.organisation.padEnd(26)} ${account.address}  ${account.privateKey}`,
    );
  }
  for (const account of accounts) {
    const token = account.telemetryOrganisation ? liveTokens[account.telemetryOrganisation] : undefined;
    if (token) {
      console.log(
        `  Live view of ${account.organisation}: http://localhost:${options.telemetryPort}/live/#token=${token}`,
      );
    }
  }
  console.log(
    `  (also in ${path.join(options.dataDir, "demo-accounts.json")}; evidence PDFs in ${path.join(options.dataDir, "demo", "evidence")})`,
  );
  console.log("");
  const summaryFile = path.join(options.dataDir, "demo", "summary.json");
  if (fs.existsSync(summaryFile)) {
    const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as { shareLink?: string };
    if (summary.shareLink)
      console.log(`  Share link of Fondue Fiesta's fondue lot (cocoa → couverture → fondue): ${summary.shareLink}`);
  }
  console.log("  Try first: drop one of the evidence PDFs on the verify page and read its verdict;");
  console.log("  the living-wage one was revoked, the due-diligence one is endorsed by AuditCert Belgium.");
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const options = loadStartOptions();
  fs.mkdirSync(options.dataDir, { recursive: true });
  let lock: DataFolderLock;
  try {
    lock = lockDataFolder(options.dataDir, "start");
  } catch (error) {
    throw new Error(`${(error as Error).message} (another npm start?)`);
  }
  const supervisor = new Supervisor();
  let chain: ChainNode | undefined;
  let stopping = false;
  const stopAll = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    say(`stopping (${reason})…`);
    await supervisor.stop();
    await chain?.stop();
    lock.release();
    say(`stopped; data kept in ${options.dataDir}`);
    process.exit(code);
  };
  process.once("SIGINT", () => void stopAll("Ctrl-C"));
  process.once("SIGTERM", () => void stopAll("SIGTERM"));
  // Stopped along with whatever started it: when that process is gone (`npm start` killed with -9, a wrapper shell
  // that does not pass SIGTERM on), nothing may keep running on its own, holding the ports and the data folder.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stopAll("the process that started it is gone");
  }, 500).unref();

  try {
    const ports: Record<string, number> = {
      API_PORT: options.apiPort,
      TELEMETRY_PORT: options.telemetryPort,
      OPCUA_PORT: options.opcuaPort,
    };
    if (!options.rpcUrl) ports.RPC_PORT = options.rpcPort;
    const taken = await takenPorts(ports);
    if (taken.length > 0) throw new Error(taken.join("\n"));
    const demo = await askForDemo(options);

    buildIfMissing("compiling contracts", "artifacts/contracts", "compile");
    buildIfMissing("building web pages", "web/dist/index.html", "build:web");

    let rpcUrl = options.rpcUrl;
    if (!rpcUrl) {
      say("starting the local chain…");
      chain = await startChainNode({ dataDir: options.dataDir, port: options.rpcPort });
      chain.process.once("exit", (code) => {
        if (!stopping) {
          say(`the local chain stopped unexpectedly (code ${code}); stopping everything`);
          void stopAll("chain stopped", 1);
        }
      });
      rpcUrl = chain.url;
      say(`chain ready at ${rpcUrl}`);
    }
    let deploymentFile: string;
    if (options.rpcUrl) {
      deploymentFile = options.deploymentFile ?? "";
      const deployment = await externalDeployment({ rpcUrl, file: options.deploymentFile });
      say(`external chain ${rpcUrl} (chain id ${deployment.chainId}), contracts of ${deploymentFile}`);
      if (demo) say("demo data is seeded on the local chain only; skipping it on this external chain");
    } else {
      deploymentFile = path.join(options.dataDir, "deployment.json");
      const deployment = await ensureLocalDeployment({ rpcUrl, file: deploymentFile, log: say });
      say(`contracts ${deployment.created ? "deployed" : "found"} (chain id ${deployment.chainId})`);
    }

    const telemetry = prepareLocalTelemetry({ root, dataDir: options.dataDir, opcuaPort: options.opcuaPort, demo });
    const recent = new Map<string, string[]>();
    supervisor.on("output", (service, line) => {
      const lines = recent.get(service) ?? [];
      lines.push(line);
      if (lines.length > 20) lines.shift();
      recent.set(service, lines);
      if (process.env.FONTAINE_VERBOSE || /"level":(40|50|60)/.test(line))
        console.log(`${service.padEnd(9)} │ ${line}`);
    });
    supervisor.on("crashed", (service, code, signal, delay) =>
      say(`${service} stopped (${signal ?? `code ${code}`}); restarting in ${Math.round(delay / 1000)} s`),
    );
    supervisor.on("gaveUp", (service) => say(`${service} keeps crashing; gave up restarting it (see its log above)`));

    const specs = serviceSpecs(options, rpcUrl, deploymentFile, telemetry);
    let up = 0;
    const failed = await startServices(supervisor, specs, (name) => {
      up += 1;
      say(`${up}/${specs.length} services up (${name})`);
    });
    if (failed) {
      for (const line of recent.get(failed.name) ?? []) console.log(`${failed.name.padEnd(9)} │ ${line}`);
      throw failed.error;
    }

    let accounts: DemoAccount[] | undefined;
    if (demo && !options.rpcUrl) {
      accounts = await seedDemo({
        rpcUrl,
        apiUrl: `http://127.0.0.1:${options.apiPort}`,
        deploymentFile,
        dataDir: options.dataDir,
        log: say,
      });
    }
    say(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    console.log("");
    console.log(`  Fontaine:   http://localhost:${options.apiPort}/`);
    console.log(
      `  Live view:  http://localhost:${options.telemetryPort}/live/#token=${telemetry.tokens.federation}  (all fountains)`,
    );
    if (accounts) printDemoAccounts(accounts, options, telemetry.tokens.members);
    console.log("");
    say(`Ctrl-C stops everything; data stays in ${options.dataDir}`);
  } catch (error) {
    console.error(`fontaine │ cannot start: ${chainErrorMessage(error, 600)}`);
    await stopAll("start failed", 1);
  }
}

main().catch((error: unknown) => {
  console.error(`fontaine │ cannot start: ${chainErrorMessage(error, 600)}`);
  process.exit(1);
});
