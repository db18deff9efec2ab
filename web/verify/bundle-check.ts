import { JsonRpcProvider, Network } from "ethers";
import {
  BundleFormatError,
  ChainReadError,
  createEthersChainReader,
  parseBundle,
  verifyBundle,
  type Bundle,
  type BundleVerdict,
  type EthersChainReader,
} from "../../sdk/bundle";
import { DeploymentError, parseDeployment, type Deployment } from "../../sdk/deployment";
import { problemCode, shareFailureOf, type BundleFailure } from "./bundle-verdict";

// Bundle verification in the browser: the sdk's `verifyBundle` reads the chain itself, through the API's read-only
// proxy (`POST /v1/rpc`) or a node the reader chose, with the contract addresses of the deployment file
// (`GET /v1/deployment`), never those written in the bundle being checked.

/** A loaded bundle, or why there is none. */
export type BundleLoad = { ok: true; bundle: Bundle; raw: unknown } | { ok: false; failure: BundleFailure };
/** A verdict, or why there is none. */
export type BundleCheck = { ok: true; verdict: BundleVerdict } | { ok: false; failure: BundleFailure };

function siteUrl(root: string, path: string): string {
  return new URL(root + path.replace(/^\//, ""), window.location.href).toString();
}

/** A bundle's JSON value, parsed and validated by the sdk. */
export function loadBundle(value: unknown): BundleLoad {
  try {
    return { ok: true, bundle: parseBundle(value), raw: value };
  } catch (error) {
    if (error instanceof BundleFormatError)
      return {
        ok: false,
        failure: /unsupported bundle version/.test(error.message) ? "unsupportedVersion" : "notABundle",
      };
    throw error;
  }
}

/** A bundle file's text. */
export function loadBundleText(text: string): BundleLoad {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, failure: "notABundle" };
  }
  return loadBundle(value);
}

/** The bundle behind a share link; a revoked or expired link says so. */
export async function fetchSharedBundle(root: string, token: string): Promise<BundleLoad> {
  let response: Response;
  try {
    response = await fetch(siteUrl(root, `v1/shared/${encodeURIComponent(token)}`), {
      headers: { accept: "application/json" },
    });
  } catch {
    return { ok: false, failure: "offline" };
  }
  const text = await response.text();
  if (!response.ok) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { ok: false, failure: shareFailureOf(response.status, problemCode(body)) };
  }
  return loadBundleText(text);
}

let deploymentPromise: Promise<Deployment | null> | undefined;

/** The deployment file the site runs against (fetched once per page). */
export function fetchDeployment(root: string): Promise<Deployment | null> {
  deploymentPromise ??= fetch(siteUrl(root, "v1/deployment"), { headers: { accept: "application/json" } })
    .then(async (response) => (response.ok ? parseDeployment(await response.json()) : null))
    .catch(() => null);
  const pending = deploymentPromise;
  void pending.then((deployment) => {
    if (!deployment && deploymentPromise === pending) deploymentPromise = undefined;
  });
  return pending;
}

const readers = new Map<string, EthersChainReader>();

/**
 * A chain reader over `rpcUrl` (default: the API's proxy). One JSON-RPC call per request (the proxy refuses batches),
 * the view calls of one verification packed into a few `eth_call`s.
 */
export function chainReader(rpcUrl: string, deployment: Deployment): EthersChainReader {
  const key = `${rpcUrl}|${deployment.contracts.LotRegistry.address}`;
  let reader = readers.get(key);
  if (!reader) {
    const provider = new JsonRpcProvider(rpcUrl, Network.from(deployment.chainId), {
      staticNetwork: true,
      batchMaxCount: 1,
      cacheTimeout: -1,
    });
    reader = createEthersChainReader({ provider, deployment, deploylessReads: true });
    readers.set(key, reader);
  }
  return reader;
}

/** The node the page reads: the one the reader chose on this device, or the API's read-only proxy. */
export function rpcUrlOf(root: string, chosen: string | null): string {
  return chosen && /^https?:\/\//.test(chosen) ? chosen : siteUrl(root, "v1/rpc");
}

/** Verifies `bundle` against the chain from this browser. */
export async function checkBundle(root: string, bundle: Bundle, chosenRpc: string | null): Promise<BundleCheck> {
  const deployment = await fetchDeployment(root);
  if (!deployment) return { ok: false, failure: "noDeployment" };
  try {
    return { ok: true, verdict: await verifyBundle(bundle, chainReader(rpcUrlOf(root, chosenRpc), deployment)) };
  } catch (error) {
    if (error instanceof DeploymentError || (error as Error)?.name === "DeploymentError")
      return { ok: false, failure: "wrongChain" };
    if (error instanceof ChainReadError) {
      const cause = (error as { cause?: { name?: string } }).cause;
      if (cause?.name === "DeploymentError") return { ok: false, failure: "wrongChain" };
      if (/429|Too Many/i.test(String((error as Error).message))) return { ok: false, failure: "rateLimited" };
      return { ok: false, failure: "chainUnavailable" };
    }
    throw error;
  }
}
