import { expect } from "chai";
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createEthersChainReader, parseBundle, verifyBundle, type BundleVerdict } from "../../../sdk/bundle";
import { freePort, revokeAttestation, startFontaineChain, deploymentJson, type FontaineChain } from "./helpers/chain";
import { threeTierScenario, type ThreeTierScenario } from "./helpers/scenario";

const ROOT = path.resolve(__dirname, "../../..");

/**
 * Run exactly `npx fontaine …` from the repository root, as a user would; `viaNpx: false` runs the same bin file with
 * node directly (npx adds seconds of npm start-up per call, so only the first test pays for it).
 */
function fontaine(
  args: string[],
  viaNpx = false,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      viaNpx ? "npx" : process.execPath,
      viaNpx ? ["--no-install", "fontaine", ...args] : [path.join(ROOT, "scripts/cli/fontaine.cjs"), ...args],
      { cwd: ROOT, env: { ...process.env, LANG: "C", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("scripts/cli: npx fontaine verify-bundle", function () {
  this.timeout(180_000);
  let chain: FontaineChain;
  let scenario: ThreeTierScenario;
  let folder: string;
  let deploymentFile: string;
  let bundleFile: string;

  before(async () => {
    chain = await startFontaineChain();
    scenario = await threeTierScenario(chain);
    folder = await mkdtemp(path.join(tmpdir(), "fontaine-cli-"));
    deploymentFile = path.join(folder, "deployment.json");
    bundleFile = path.join(folder, "bundle-a1.json");
    await writeFile(deploymentFile, deploymentJson(chain));
    await writeFile(bundleFile, JSON.stringify(scenario.bundles.A1, null, 2));
  });

  after(async () => {
    await chain?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("should print the verdict tree and exit 0 for a valid bundle (the exact npx command)", async () => {
    const { code, stdout } = await fontaine(
      ["verify-bundle", bundleFile, "--rpc", chain.url, "--deployment", deploymentFile],
      true,
    );
    expect(code, stdout).to.equal(0);
    const { A1, M1, C1, C2 } = scenario.lots;
    expect(stdout).to.contain(`✔ Paquet de divulgation du lot ${A1.lotId}: VÉRIFIÉ (0 échec(s), 0 avertissement(s))`);
    expect(stdout).to.contain(`└─ ✔ 200 kg de ✔ ${M1.lotId} Dark couverture 70%, 800 kg, v1`);
    expect(stdout).to.contain(`├─ ✔ 600 kg de ✔ ${C1.lotId}`);
    expect(stdout).to.contain(`└─ ✔ 300 kg de ✔ ${C2.lotId}`);
  });

  it("should print JSON with --json and the reasons in English with --lang en, exiting 1 when an upstream attestation is revoked", async () => {
    await revokeAttestation(chain, scenario.orgs.coop, scenario.attestations.coopChildLabour.uid, "AUDIT_FAILED");
    const json = await fontaine([
      "verify-bundle",
      bundleFile,
      "--rpc",
      chain.url,
      "--deployment",
      deploymentFile,
      "--json",
    ]);
    expect(json.code).to.equal(1);
    const verdict = JSON.parse(json.stdout) as BundleVerdict;
    expect(verdict.ok).to.equal(false);
    expect(
      verdict.attestations.find((entry) => entry.uid === scenario.attestations.coopChildLabour.uid)!.status,
    ).to.equal("REVOKED");
    const text = await fontaine([
      "verify-bundle",
      bundleFile,
      "--rpc",
      chain.url,
      "--deployment",
      deploymentFile,
      "--lang",
      "en",
    ]);
    expect(text.code).to.equal(1);
    expect(text.stdout).to.contain("FAILED (1 failure(s), 0 warning(s))");
    expect(text.stdout).to.contain(`[attestation.revoked] attestation ${scenario.attestations.coopChildLabour.uid}`);
    expect(text.stdout).to.contain(`Attestation ${scenario.attestations.coopChildLabour.uid} was revoked`);
  });

  it("should exit 2 with a clear line for a tampered-format bundle and for a missing option", async () => {
    const broken = path.join(folder, "broken.json");
    await writeFile(broken, JSON.stringify({ ...scenario.bundles.A1, version: 3 }));
    const wrongVersion = await fontaine(["verify-bundle", broken, "--rpc", chain.url, "--deployment", deploymentFile]);
    expect(wrongVersion.code).to.equal(2);
    expect(wrongVersion.stderr).to.contain("unsupported bundle version 3");
    const missing = await fontaine(["verify-bundle", bundleFile, "--deployment", deploymentFile]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("--rpc is required");
  });

  it("should exit 3 when the node cannot be reached", async () => {
    const port = await freePort();
    const { code, stderr } = await fontaine([
      "verify-bundle",
      bundleFile,
      "--rpc",
      `http://127.0.0.1:${port}`,
      "--deployment",
      deploymentFile,
    ]);
    expect(code).to.equal(3);
    expect(stderr).to.contain("could not read");
    expect(stderr.trim().split("\n"), stderr).to.have.length(1);
  });

  it("should exit 3 with one line when the URL answers but is no JSON-RPC node", async () => {
    const server = http.createServer((_request, response) => {
      response.writeHead(404, { "content-type": "text/html" }).end("<html>not here</html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { code, stderr } = await fontaine([
        "verify-bundle",
        bundleFile,
        "--rpc",
        `http://127.0.0.1:${port}/rpc/secret-key`,
        "--deployment",
        deploymentFile,
      ]);
      expect(code).to.equal(3);
      expect(stderr.trim().split("\n"), stderr).to.have.length(1);
      expect(stderr).to.contain("the node answered HTTP 404");
      expect(stderr).to.not.contain("secret-key"); // only the node's origin is named
    } finally {
      server.close();
    }
  });

  it("should exit 3 with one line naming the mismatch when the deployment file is of another chain", async () => {
    const deployment = JSON.parse(deploymentJson(chain)) as { chainId: number; genesisHash: string };
    const otherChain = path.join(folder, "other-chain.json");
    await writeFile(otherChain, JSON.stringify({ ...deployment, chainId: deployment.chainId + 1 }));
    const chainId = await fontaine(["verify-bundle", bundleFile, "--rpc", chain.url, "--deployment", otherChain]);
    expect(chainId.code, chainId.stdout).to.equal(3);
    expect(chainId.stderr.trim().split("\n"), chainId.stderr).to.have.length(1);
    expect(chainId.stderr).to.contain(
      `chain id mismatch: node is ${deployment.chainId}, deployment is ${deployment.chainId + 1}`,
    );
    const resetChain = path.join(folder, "reset-chain.json");
    await writeFile(resetChain, JSON.stringify({ ...deployment, genesisHash: `0x${"11".repeat(32)}` }));
    const genesis = await fontaine(["verify-bundle", bundleFile, "--rpc", chain.url, "--deployment", resetChain]);
    expect(genesis.code, genesis.stdout).to.equal(3);
    expect(genesis.stderr.trim().split("\n"), genesis.stderr).to.have.length(1);
    expect(genesis.stderr).to.contain("genesis hash mismatch");
  });

  it("should exit 2 with one clear line for a file that is not JSON or not there, and refuse a --rpc that is not an http URL", async () => {
    const notJson = path.join(folder, "not-json.json");
    await writeFile(notJson, '{"format": "fontaine-bundle", "lots": [');
    const malformed = await fontaine(["verify-bundle", notJson, "--rpc", chain.url, "--deployment", deploymentFile]);
    expect(malformed.code).to.equal(2);
    expect(malformed.stderr.trim().split("\n"), malformed.stderr).to.have.length(1);
    expect(malformed.stderr).to.contain("not valid JSON");
    const missing = path.join(folder, "missing.json");
    const absent = await fontaine(["verify-bundle", missing, "--rpc", chain.url, "--deployment", deploymentFile]);
    expect(absent.code).to.equal(2);
    expect(absent.stderr.trim()).to.equal(`fontaine verify-bundle: file not found: ${missing}`);
    const badUrl = await fontaine([
      "verify-bundle",
      bundleFile,
      "--rpc",
      "localhost:8545",
      "--deployment",
      deploymentFile,
    ]);
    expect(badUrl.code).to.equal(2);
    expect(badUrl.stderr.split("\n")[0]).to.equal("fontaine verify-bundle: --rpc must be an http:// or https:// URL");
  });

  it("should give the same verdict from the prebuilt bundle, from the TypeScript sources and from the sdk in process", async () => {
    const args = [
      "verify-bundle",
      bundleFile,
      "--rpc",
      chain.url,
      "--deployment",
      deploymentFile,
      "--json",
      "--timing",
    ];
    const prebuilt = await fontaine(args);
    const fromSource = await fontaine(args, false, { FONTAINE_CLI_FROM_SOURCE: "1" });
    expect(prebuilt.code).to.equal(fromSource.code);
    expect(JSON.parse(prebuilt.stdout)).to.deep.equal(JSON.parse(fromSource.stdout));
    // The command's own JSON-RPC transport and the reader over ethers' JsonRpcProvider read the same chain.
    const reader = createEthersChainReader({ provider: chain.provider, deployment: chain.fontaine.deployment });
    const inProcess = await verifyBundle(parseBundle(scenario.bundles.A1), reader);
    expect(JSON.parse(prebuilt.stdout)).to.deep.equal(JSON.parse(JSON.stringify(inProcess)));
    expect(prebuilt.stderr).to.match(/^start-up [\d.]+ ms, reading the bundle [\d.]+ ms, verified in [\d.]+ ms/);
    // The launcher ran the bundle built from the sources as they are (it rebuilds it after any edit).
    const { isCurrent } = (await import(path.join(ROOT, "scripts/cli/build-cli.cjs"))) as { isCurrent: () => boolean };
    expect(isCurrent()).to.equal(true);
  });
});
