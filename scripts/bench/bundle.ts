/**
 * Benchmark of disclosure bundles (`npm run bench:bundle`): a member lot whose upstream holds 50 lots and 100
 * attestations (80 in one Merkle batch, 20 single), on a local anvil node. Writes bench/results/bundle.json:
 * `{ lots, attestations, verifyMs: { api, sdkDirect, cli, cliProcess, … }, cliMs: { … }, buildMs, … }`, medians in
 * milliseconds. Target (issue 4): verified in ≤ 250 ms through the API and the command line against the local node.
 * `api`: `POST /v1/bundles/verify` of an in-process API (PGlite in memory) over loopback HTTP, whole request.
 * `cli`: the verification inside `fontaine verify-bundle` (its `--timing` line); `cliProcess`: the whole command as a
 * user runs it, from starting `node scripts/cli/fontaine.cjs` to its exit (Node start-up, loading the prebuilt
 * command, reading the files, verifying, printing). The prebuilt command is built first (`cliMs.build`, not counted).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../api/config";
import { startApiService } from "../../api/service";
import { silentLogger } from "../../sdk/server";
import {
  buildBundle,
  bundleChainOf,
  createEthersChainReader,
  verifyBundle,
  type DisclosedAttestation,
} from "../../sdk/bundle";
import {
  admitOrg,
  attestBatch,
  attestSingle,
  commitLot,
  deploymentJson,
  startFontaineChain,
  type AttestInput,
} from "../../test/sdk/bundle/helpers/chain";

const ROOT = path.resolve(__dirname, "../..");
const RUNS = 9;
const UPSTREAM_LOTS = 48;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return Number((sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2).toFixed(2));
}

function run(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stderr, ms: performance.now() - started });
      },
    );
  });
}

async function main(): Promise<void> {
  const chain = await startFontaineChain();
  const folder = await mkdtemp(path.join(tmpdir(), "fontaine-bench-bundle-"));
  try {
    const coop = await admitOrg(chain, "bench-cooperative", "SUPPLIER");
    const maker = await admitOrg(chain, "bench-maker", "SUPPLIER");
    const member = await admitOrg(chain, "bench-member", "MEMBER");
    const certifier = await admitOrg(chain, "bench-certifier", "CERTIFIER");
    const claim = (index: number): AttestInput => ({
      schema: chain.schemas.childLabour,
      subject: coop.id,
      claim: { period: `2026-W${index}` },
    });
    const batched = await attestBatch(
      chain,
      coop,
      Array.from({ length: 80 }, (_, index) => claim(index)),
    );
    const singles: DisclosedAttestation[] = [];
    for (let index = 0; index < 20; index++) {
      singles.push(
        await attestSingle(chain, certifier, {
          schema: chain.schemas.fairTrade,
          subject: coop.id,
          claim: { certificate: `FT-${index}` },
        }),
      );
    }
    const attestations = [...batched, ...singles];
    const beans = [];
    for (let index = 0; index < UPSTREAM_LOTS; index++) {
      const covering = attestations.slice(index * 2, index * 2 + 2).map((attestation) => attestation.uid);
      beans.push(
        await commitLot(chain, coop, {
          product: `Cocoa beans ${index}`,
          quantity: "100",
          unit: "kg",
          attestations: covering,
        }),
      );
    }
    const makerLot = await commitLot(chain, maker, {
      product: "Couverture",
      quantity: "4000",
      unit: "kg",
      parents: beans.map((lot) => ({ lotId: lot.lotId, quantity: "90", unit: "kg" as const })),
      attestations: attestations.slice(UPSTREAM_LOTS * 2).map((attestation) => attestation.uid),
    });
    const memberLot = await commitLot(chain, member, {
      product: "Fondue",
      quantity: "250",
      unit: "kg",
      parents: [{ lotId: makerLot.lotId, quantity: "250", unit: "kg" }],
    });
    const chainInfo = bundleChainOf(chain.fontaine.deployment);
    const upstream = buildBundle({
      chain: chainInfo,
      subject: makerLot.lotId,
      lots: [makerLot.lot, ...beans.map((lot) => lot.lot)],
      attestations,
    });

    const buildTimes: number[] = [];
    let bundle = upstream;
    for (let index = 0; index < RUNS; index++) {
      const started = performance.now();
      bundle = buildBundle({ chain: chainInfo, subject: memberLot.lotId, lots: [memberLot.lot], upstream: [upstream] });
      buildTimes.push(performance.now() - started);
    }

    // Where a cold verification spends its time, per reader method (wall time of each call).
    const phases: Record<string, number> = {};
    const timed = createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment });
    const probe = Object.fromEntries(
      Object.entries(timed).map(([name, method]) => [
        name,
        async (...args: unknown[]) => {
          const started = performance.now();
          try {
            return await (method as (...parameters: unknown[]) => Promise<unknown>)(...args);
          } finally {
            phases[name] = Number(((phases[name] ?? 0) + performance.now() - started).toFixed(1));
          }
        },
      ]),
    ) as unknown as typeof timed;
    const probeStarted = performance.now();
    await verifyBundle(bundle, probe);
    phases.total = Number((performance.now() - probeStarted).toFixed(1));

    const coldTimes: number[] = [];
    const coldCpu: number[] = [];
    const deploylessTimes: number[] = [];
    const warmTimes: number[] = [];
    const warmReader = createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment });
    let verdict = await verifyBundle(bundle, warmReader);
    for (let index = 0; index < RUNS; index++) {
      const reader = createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment });
      const cpu = process.cpuUsage();
      let started = performance.now();
      verdict = await verifyBundle(bundle, reader);
      coldTimes.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      coldCpu.push((used.user + used.system) / 1000);
      const deployless = createEthersChainReader({
        provider: chain.provider,
        deployment: chain.fontaine.deployment,
        deploylessReads: true,
      });
      started = performance.now();
      await verifyBundle(bundle, deployless);
      deploylessTimes.push(performance.now() - started);
      started = performance.now();
      await verifyBundle(bundle, warmReader);
      warmTimes.push(performance.now() - started);
    }
    if (!verdict.ok) throw new Error(`the benchmark bundle does not verify: ${JSON.stringify(verdict.findings)}`);

    // The API route: one long-lived service (its reader's caches warm after the first request), like a deployment.
    const api = await startApiService({
      config: loadConfig({
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        API_PORT: "0",
        RPC_URL: chain.url,
        DATA_DIR: "memory://",
      }),
      logger: silentLogger(),
      deployment: chain.fontaine.deployment,
      background: false,
    });
    const server = api.app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/bundles/verify`;
    const apiTimes: number[] = [];
    try {
      const body = JSON.stringify(bundle);
      for (let index = 0; index <= RUNS; index++) {
        const started = performance.now();
        const response = await fetch(apiUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
        const answer = (await response.json()) as { ok?: boolean };
        if (response.status !== 200 || answer.ok !== true)
          throw new Error(`the API refused the bundle: ${JSON.stringify(answer)}`);
        if (index > 0) apiTimes.push(performance.now() - started); // the first request warms the API's reader
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await api.stop();
    }

    const bundleFile = path.join(folder, "bundle.json");
    const deploymentFile = path.join(folder, "deployment.json");
    await writeFile(bundleFile, JSON.stringify(bundle));
    await writeFile(deploymentFile, deploymentJson(chain));
    // The command as `npx fontaine` runs it: the prebuilt bundle (built here first, as `npm run build` or the first
    // use does), then the same command from the TypeScript sources through tsx for comparison.
    const buildStarted = performance.now();
    const build = await run(path.join(ROOT, "scripts/cli/build-cli.cjs"), []);
    if (build.code !== 0) throw new Error(`the command line could not be built: ${build.stderr}`);
    const cliBuildMs = performance.now() - buildStarted;
    const runCli = async (runs: number, env: Record<string, string> = {}) => {
      const times = {
        verify: [] as number[],
        startup: [] as number[],
        read: [] as number[],
        process: [] as number[],
        cpu: [] as number[],
      };
      for (let index = 0; index < runs; index++) {
        const result = await run(
          path.join(ROOT, "scripts/cli/fontaine.cjs"),
          ["verify-bundle", bundleFile, "--rpc", chain.url, "--deployment", deploymentFile, "--json", "--timing"],
          env,
        );
        if (result.code !== 0) throw new Error(`the command line failed (${result.code}): ${result.stderr}`);
        const match =
          /start-up ([\d.]+) ms, reading the bundle ([\d.]+) ms, verified in ([\d.]+) ms .*process CPU ([\d.]+) ms/.exec(
            result.stderr,
          );
        if (!match) throw new Error(`no timing line from the command line: ${result.stderr}`);
        times.startup.push(Number(match[1]));
        times.read.push(Number(match[2]));
        times.verify.push(Number(match[3]));
        times.process.push(result.ms);
        times.cpu.push(Number(match[4]));
      }
      return times;
    };
    const cli = await runCli(RUNS);
    const fromSource = await runCli(3, { FONTAINE_CLI_FROM_SOURCE: "1" });

    const result = {
      lots: bundle.lots.length,
      attestations: bundle.attestations.length,
      verifyMs: {
        api: median(apiTimes),
        sdkDirect: median(coldTimes),
        sdkDirectWarmCache: median(warmTimes),
        sdkDirectProcessCpu: median(coldCpu),
        sdkDirectDeploylessReads: median(deploylessTimes),
        cli: median(cli.verify),
        cliProcess: median(cli.process),
      },
      cliMs: {
        startup: median(cli.startup),
        readBundle: median(cli.read),
        verify: median(cli.verify),
        process: median(cli.process),
        processMax: Number(Math.max(...cli.process).toFixed(2)),
        processCpu: median(cli.cpu),
        build: Number(cliBuildMs.toFixed(2)),
        fromSourceVerify: median(fromSource.verify),
        fromSourceProcess: median(fromSource.process),
        fromSourceProcessCpu: median(fromSource.cpu),
      },
      buildMs: median(buildTimes),
      coldReaderPhasesMs: phases,
      bundleBytes: Buffer.byteLength(JSON.stringify(bundle)),
      targetMs: 250,
      runs: RUNS,
      node: process.version,
      loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
      cpus: os.cpus().length,
      chain: "anvil (local, JSON-RPC over loopback)",
      notes: [
        "api: POST /v1/bundles/verify over loopback HTTP to an in-process API service (one long-lived reader, warmed by a first request not counted), JSON parsing and validation included.",
        "sdkDirect: a fresh reader per run (cold caches): every chain read is done; sdkDirectWarmCache reuses one reader; sdkDirectProcessCpu is the CPU time this process spent in a cold verification; sdkDirectDeploylessReads enables DeploylessReads (all view calls of a tick in one eth_call) instead of one eth_call per view call in ethers' JSON-RPC batches.",
        "The machine is shared with other work (see loadAverage and cpus): wall-clock timings include waiting for the CPU.",
        "cli: verification time inside `fontaine verify-bundle` (chain reads included; start-up and reading the files excluded); cliProcess: the whole command as a user runs it, from starting `node scripts/cli/fontaine.cjs` to its exit, Node start-up included (medians of `runs`).",
        "cliMs: startup = Node start-up and loading the prebuilt command (dist/cli/fontaine.cjs) until it starts; readBundle = reading and validating the bundle and deployment files; processCpu = CPU time (user + system) of the command's process until the verdict, a measure the shared machine's load does not inflate; processMax = the slowest whole command; build = building that bundle (once, by `npm run build` or the first use, not counted above); fromSource* = the same command from the TypeScript sources through tsx (3 runs), as before the prebuilt bundle.",
      ],
      measuredAt: new Date().toISOString(),
    };
    await mkdir(path.join(ROOT, "bench/results"), { recursive: true });
    await writeFile(path.join(ROOT, "bench/results/bundle.json"), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await chain.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:bundle failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
