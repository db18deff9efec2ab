import { getAddress, hexlify, toUtf8Bytes } from "ethers";
import { useEffect, useRef } from "preact/hooks";
import { accountMismatch, chainMismatch, type SessionMismatch } from "./session-guard";
import { signInMessage, siweStatement } from "./siwe-message";

// The one place pages talk to the person's wallet (EIP-1193 `window.ethereum`, MetaMask and compatible) and
// sign in through the API. Every failure becomes a `WalletProblem` the page can explain in plain words.
//
// A session is signed for one account on one chain. The session this page obtained (`currentSession`, `signIn`) is
// kept here and the wallet is watched (`accountsChanged`, `chainChanged`): once the wallet moves to another account
// or chain — or, without any event, when a signature is about to be asked for an account the wallet no longer uses —
// the API session is ended and every page subscribed with `useSessionEnded` goes back to its sign-in state with the
// `accountChanged` / `networkChanged` problem, instead of asking the wallet to sign for the previous account.

/** An EIP-1193 provider, as much of it as the pages use (`on`/`removeListener` are optional in practice). */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
  on?(event: string, listener: (payload: unknown) => void): unknown;
  removeListener?(event: string, listener: (payload: unknown) => void): unknown;
}

/** Why a wallet action did not succeed; each has its own message in the pages. */
export type WalletProblemCode =
  | "noWallet"
  | "noAccount"
  | "rejected"
  | "wrongNetwork"
  | "unregistered"
  | "inactive"
  | "signInRefused"
  | "offline"
  | "failed"
  | SessionMismatch;

/** A wallet or sign-in failure with a code the page turns into words. */
export class WalletProblem extends Error {
  override readonly name = "WalletProblem";
  constructor(
    readonly code: WalletProblemCode,
    readonly details: Record<string, string | number> = {},
  ) {
    super(code);
  }
}

/** Organisation kinds as the Federation contract knows them. */
export type OrganisationKind = "supplier" | "certifier" | "member";

/** Who is signed in, as the API answers it. */
export interface SignedInSession {
  address: string;
  chainId: number;
  organisation: { id: string; kind: OrganisationKind; active: boolean } | null;
  expiresAt: string;
}

/** EIP-1193 code for "the user rejected the request" (and 4100 "unauthorised", which wallets also use). */
const USER_REJECTED = new Set([4001, 4100]);

/** Turns whatever a wallet threw into a `WalletProblem`. */
export function walletProblemOf(error: unknown): WalletProblem {
  if (error instanceof WalletProblem) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "number" && USER_REJECTED.has(code)) return new WalletProblem("rejected");
  if (code === "ACTION_REJECTED") return new WalletProblem("rejected");
  return new WalletProblem("failed");
}

/** The injected wallet, or null when the browser has none. */
export function injectedWallet(): Eip1193Provider | null {
  const candidate = (window as { ethereum?: Eip1193Provider }).ethereum;
  return candidate && typeof candidate.request === "function" ? candidate : null;
}

function requireWallet(): Eip1193Provider {
  const wallet = injectedWallet();
  if (!wallet) throw new WalletProblem("noWallet");
  return wallet;
}

/** Asks the wallet for the account to use (the wallet shows its own prompt). */
export async function connectWallet(): Promise<string> {
  const wallet = requireWallet();
  let accounts: unknown;
  try {
    accounts = await wallet.request({ method: "eth_requestAccounts" });
  } catch (error) {
    throw walletProblemOf(error);
  }
  const first = Array.isArray(accounts) ? accounts[0] : undefined;
  if (typeof first !== "string") throw new WalletProblem("noAccount");
  return getAddress(first);
}

/** Fails with `wrongNetwork` unless the wallet is on `expected`. */
export async function checkNetwork(expected: number): Promise<void> {
  const wallet = requireWallet();
  let current: number;
  try {
    current = Number(BigInt((await wallet.request({ method: "eth_chainId" })) as string));
  } catch (error) {
    throw walletProblemOf(error);
  }
  if (current !== expected) throw new WalletProblem("wrongNetwork", { current, expected });
}

/**
 * Fails with `accountChanged` (and ends the session, see `useSessionEnded`) when the wallet's selected account is no
 * longer `address`, the session's: asked with `eth_accounts` (no prompt) before any signature request, so the wallet
 * is never asked to sign for an account it no longer uses.
 */
export async function checkAccount(address: string): Promise<void> {
  const wallet = requireWallet();
  let accounts: unknown;
  try {
    accounts = await wallet.request({ method: "eth_accounts" });
  } catch (error) {
    throw walletProblemOf(error);
  }
  if (accountMismatch(address, accounts)) throw endSession("accountChanged");
}

/** Signs EIP-712 typed data (as prepared by the API) with `eth_signTypedData_v4`. */
export async function signTypedData(
  address: string,
  typedData: { domain: { chainId: number }; types: Record<string, unknown>; primaryType: string; message: unknown },
): Promise<string> {
  const wallet = requireWallet();
  await checkAccount(address);
  await checkNetwork(typedData.domain.chainId);
  const domainFields = Object.keys(typedData.domain).map((name) => ({
    name,
    type: name === "chainId" ? "uint256" : name === "verifyingContract" ? "address" : "string",
  }));
  const payload = { ...typedData, types: { EIP712Domain: domainFields, ...typedData.types } };
  try {
    return (await wallet.request({
      method: "eth_signTypedData_v4",
      params: [address, JSON.stringify(payload)],
    })) as string;
  } catch (error) {
    throw walletProblemOf(error);
  }
}

async function apiJson<T>(root: string, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(new URL(root + path, window.location.href), {
      ...init,
      credentials: "same-origin",
      headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}) },
    });
  } catch {
    throw new WalletProblem("offline");
  }
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The session the API holds for this browser, as is. */
async function apiSession(root: string): Promise<SignedInSession | null> {
  const { status, body } = await apiJson<SignedInSession>(root, "v1/auth/session");
  return status === 200 ? body : null;
}

/**
 * The current session, or null when nobody is signed in. A session whose account or chain the wallet no longer
 * uses (switched while the page was closed) is ended here: null, and `useSessionEnded` subscribers hear why.
 */
export async function currentSession(root: string): Promise<SignedInSession | null> {
  const session = await apiSession(root);
  if (!session) return null;
  track(root, session);
  const wallet = injectedWallet();
  if (!wallet) return session;
  // `eth_accounts` and `eth_chainId` never prompt; a wallet that cannot answer them keeps the session as it is.
  const [accounts, chain] = await Promise.all([
    wallet.request({ method: "eth_accounts" }).catch(() => null),
    wallet.request({ method: "eth_chainId" }).catch(() => null),
  ]);
  const mismatch = accountMismatch(session.address, accounts) ?? chainMismatch(session.chainId, chain);
  if (tracked?.session.address !== session.address) return null; // an event ended it meanwhile
  if (mismatch) {
    endSession(mismatch);
    return null;
  }
  return session;
}

/** Connect → network check → the wallet signs a sign-in message → the API opens a session. */
export async function signIn(root: string, statement: string): Promise<SignedInSession> {
  // A session being ended (account switch) must be gone before the new one is opened, or its logout would end both.
  await ending;
  const address = await connectWallet();
  const nonce = await apiJson<{ nonce: string; domain: string; uri: string; chainId: number; expiresAt: string }>(
    root,
    "v1/auth/nonce",
  );
  if (nonce.status !== 200) throw new WalletProblem(nonce.status === 429 ? "failed" : "offline");
  await checkNetwork(nonce.body.chainId);
  const message = signInMessage({
    domain: nonce.body.domain,
    address,
    statement: siweStatement(statement),
    uri: nonce.body.uri,
    chainId: nonce.body.chainId,
    nonce: nonce.body.nonce,
    issuedAt: new Date().toISOString(),
    expirationTime: nonce.body.expiresAt,
  });
  let signature: string;
  try {
    signature = (await requireWallet().request({
      method: "personal_sign",
      params: [hexlify(toUtf8Bytes(message)), address],
    })) as string;
  } catch (error) {
    throw walletProblemOf(error);
  }
  const login = await apiJson<SignedInSession>(root, "v1/auth/login", {
    method: "POST",
    body: JSON.stringify({ message, signature }),
  });
  if (login.status !== 200) throw new WalletProblem("signInRefused", { status: login.status });
  track(root, login.body);
  if (!login.body.organisation) throw new WalletProblem("unregistered", { address });
  if (!login.body.organisation.active) throw new WalletProblem("inactive");
  return login.body;
}

/** Ends the session on the API. */
export async function signOut(root: string): Promise<void> {
  tracked = null;
  await ending;
  await apiJson(root, "v1/auth/logout", { method: "POST" });
}

/** The session this page holds (from `currentSession` or `signIn`), and where its API is. */
let tracked: { root: string; session: SignedInSession } | null = null;
/** The wallet whose events are listened to (once per page). */
let watched: Eip1193Provider | null = null;
/** The logout of the last ended session (a new sign-in waits for it). */
let ending: Promise<void> = Promise.resolve();
const sessionEndedListeners = new Set<(problem: WalletProblem) => void>();

function track(root: string, session: SignedInSession): void {
  tracked = { root, session };
  const wallet = injectedWallet();
  if (!wallet || wallet === watched || typeof wallet.on !== "function") return;
  watched = wallet;
  wallet.on("accountsChanged", (accounts) => {
    if (tracked && accountMismatch(tracked.session.address, accounts)) endSession("accountChanged");
  });
  wallet.on("chainChanged", (chain) => {
    if (tracked && chainMismatch(tracked.session.chainId, chain)) endSession("networkChanged");
  });
}

/**
 * Ends the page's session because the wallet moved (`reason`): tells every `useSessionEnded` subscriber at once,
 * then logs out on the API — unless the API's session is by then another account's (opened in another tab).
 * Returns the problem, for a caller to throw.
 */
function endSession(reason: SessionMismatch): WalletProblem {
  const ended = tracked;
  tracked = null;
  const problem = new WalletProblem(
    reason,
    reason === "networkChanged" && ended ? { expected: ended.session.chainId } : {},
  );
  if (ended) {
    ending = ending
      .then(async () => {
        const current = await apiSession(ended.root);
        if (current && current.address.toLowerCase() === ended.session.address.toLowerCase()) {
          await apiJson(ended.root, "v1/auth/logout", { method: "POST" });
        }
      })
      .catch(() => undefined);
  }
  for (const listener of [...sessionEndedListeners]) listener(problem);
  return problem;
}

/** Calls `listener` whenever the page's session ends because the wallet moved; returns the unsubscribe. */
export function onSessionEnded(listener: (problem: WalletProblem) => void): () => void {
  sessionEndedListeners.add(listener);
  return () => {
    sessionEndedListeners.delete(listener);
  };
}

/**
 * The one reaction a page needs: `onEnded(problem)` runs when the wallet switched account or network under the
 * session (the API session is already being ended); the page drops its session and shows its sign-in state with
 * `problem` (`accountChanged` / `networkChanged`).
 */
export function useSessionEnded(onEnded: (problem: WalletProblem) => void): void {
  const latest = useRef(onEnded);
  latest.current = onEnded;
  useEffect(() => onSessionEnded((problem) => latest.current(problem)), []);
}
