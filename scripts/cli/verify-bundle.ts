/**
 * `fontaine verify-bundle <file> --rpc <url> --deployment <file> [--json] [--lang fr|nl|en]`: verify a disclosure
 * bundle against any RPC node, without the API. Exit codes: 0 verified (warnings allowed), 1 verification failed,
 * 2 bad usage or unreadable bundle/deployment, 3 chain unreachable or of another chain.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DeploymentError, parseDeployment } from "../../sdk/deployment";
import {
  BundleFormatError,
  ChainReadError,
  createEthersChainReader,
  LOCALES,
  parseBundle,
  verifyBundle,
  type Locale,
} from "../../sdk/bundle";
import { NodeJsonRpcProvider } from "./json-rpc-provider";
import { verdictText } from "./verdict-text";

/** Exit codes of the command. */
export const EXIT = { verified: 0, failed: 1, usage: 2, chain: 3 } as const;

/** Where the command writes. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
}

/** Usage text of the command. */
export const VERIFY_BUNDLE_USAGE = `Usage: fontaine verify-bundle <bundle.json | -> --rpc <url> --deployment <deployment.json> [--json] [--lang fr|nl|en] [--timing]

Verifies a disclosure bundle against the chain itself (any JSON-RPC node), without the Fontaine API.
  --rpc <url>          JSON-RPC URL of a node of the federation chain (default: $FONTAINE_RPC_URL)
  --deployment <file>  deployment file of that chain, e.g. deployments/localhost.json (default: $FONTAINE_DEPLOYMENT)
  --json               print the verdict as JSON instead of a tree
  --lang <fr|nl|en>    language of the reasons (default: from $LANG, else fr)
  --timing             print on stderr the process start-up time (Node and the command's code), the time to read
                       the bundle and deployment, the verification time (chain reads included) and the CPU time
                       the process used so far
Exit status: 0 verified (warnings allowed), 1 verification failed, 2 bad usage or input, 3 chain unreachable.
`;

/** Run the command with `args` (after the command name); resolves to the exit code. */
export async function runVerifyBundle(args: string[], io: CommandIo): Promise<number> {
  // Milliseconds since the process started (Node's time origin): Node's own start-up and loading this code.
  const startedAt = performance.now();
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        rpc: { type: "string" },
        deployment: { type: "string" },
        json: { type: "boolean", default: false },
        timing: { type: "boolean", default: false },
        lang: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    io.stderr(`fontaine verify-bundle: ${(error as Error).message}\n\n${VERIFY_BUNDLE_USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(VERIFY_BUNDLE_USAGE);
    return EXIT.verified;
  }
  const file = positionals[0];
  const rpc = values.rpc ?? io.env.FONTAINE_RPC_URL;
  const deploymentFile = values.deployment ?? io.env.FONTAINE_DEPLOYMENT;
  const locale = localeOf(values.lang, io.env.LANG);
  const problems = [
    positionals.length !== 1 ? "exactly one bundle file is required" : undefined,
    rpc ? (isHttpUrl(rpc) ? undefined : "--rpc must be an http:// or https:// URL") : "--rpc is required",
    deploymentFile ? undefined : "--deployment is required",
    locale ? undefined : `--lang must be one of ${LOCALES.join(", ")}`,
  ].filter(Boolean);
  if (problems.length > 0 || !file || !rpc || !deploymentFile || !locale) {
    io.stderr(`fontaine verify-bundle: ${problems.join("; ")}\n\n${VERIFY_BUNDLE_USAGE}`);
    return EXIT.usage;
  }

  let bundle;
  let deployment;
  try {
    bundle = parseBundle(JSON.parse(await readInput(file)));
    deployment = parseDeployment(JSON.parse(await readFile(deploymentFile, "utf8")));
  } catch (error) {
    io.stderr(`fontaine verify-bundle: ${describeInputError(error)}\n`);
    return EXIT.usage;
  }

  // The reader already sends each round of reads together (one tick): ethers' default 10 ms wait before each
  // JSON-RPC batch would add up over the verification's few dependent rounds.
  const provider = new NodeJsonRpcProvider(rpc, deployment.chainId, {
    staticNetwork: true,
    polling: false,
    cacheTimeout: -1,
    batchStallTime: 0,
  });
  try {
    const reader = createEthersChainReader({ provider, deployment });
    const started = performance.now();
    const verdict = await verifyBundle(bundle, reader);
    if (values.timing) {
      io.stderr(
        `start-up ${startedAt.toFixed(1)} ms, reading the bundle ${(started - startedAt).toFixed(1)} ms, ` +
          `verified in ${(performance.now() - started).toFixed(1)} ms (chain reads included), ` +
          `process CPU ${cpuMs().toFixed(1)} ms\n`,
      );
    }
    io.stdout(values.json ? `${JSON.stringify(verdict, null, 2)}\n` : verdictText(verdict, locale));
    return verdict.ok ? EXIT.verified : EXIT.failed;
  } catch (error) {
    if (error instanceof ChainReadError || error instanceof DeploymentError) {
      // The node's origin only: a URL's path or user part may hold an access key.
      io.stderr(`fontaine verify-bundle: ${error.message} (${new URL(rpc).origin})\n`);
      return EXIT.chain;
    }
    throw error;
  } finally {
    provider.destroy();
  }
}

/** CPU time (user and system) this process used since it started, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function localeOf(option: string | undefined, lang: string | undefined): Locale | undefined {
  if (option !== undefined) return (LOCALES as readonly string[]).includes(option) ? (option as Locale) : undefined;
  const fromEnv = lang?.slice(0, 2).toLowerCase();
  return (LOCALES as readonly string[]).includes(fromEnv ?? "") ? (fromEnv as Locale) : "fr";
}

async function readInput(file: string): Promise<string> {
  if (file !== "-") return readFile(file, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function describeInputError(error: unknown): string {
  if (error instanceof BundleFormatError || error instanceof DeploymentError) return error.message;
  if (error instanceof SyntaxError) return `not valid JSON: ${error.message}`;
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return `file not found: ${(error as { path?: string }).path}`;
  return (error as Error).message ?? String(error);
}
