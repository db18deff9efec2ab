// Whether the wallet still matches the signed-in session: pure, so test/web/session-guard.test.ts checks it in Node.
// A session is signed for one account on one chain; once the wallet moves to another account (MetaMask's account
// switch, EIP-1193 `accountsChanged`) or another chain (`chainChanged`), the session no longer speaks for it.

/** Why a session no longer matches the wallet. */
export type SessionMismatch = "accountChanged" | "networkChanged";

/**
 * The account the wallet now uses, from an `eth_accounts` answer or an `accountsChanged` payload: the first one
 * (the selected account), lower-cased; null when the wallet shares none (locked, or the answer is not a list).
 */
export function selectedAccount(accounts: unknown): string | null {
  const first = Array.isArray(accounts) ? (accounts as unknown[])[0] : undefined;
  return typeof first === "string" && /^0x[0-9a-fA-F]{40}$/.test(first) ? first.toLowerCase() : null;
}

/**
 * Whether the wallet's selected `accounts` no longer name the session's `address`. A wallet that shares no account
 * (a locked MetaMask answers `[]`) is not a switch: it asks to be unlocked at the next request, for the same account.
 */
export function accountMismatch(address: string, accounts: unknown): SessionMismatch | null {
  const selected = selectedAccount(accounts);
  return selected !== null && selected !== address.toLowerCase() ? "accountChanged" : null;
}

/** Parses a `chainChanged` payload or an `eth_chainId` answer (hex or decimal); null when it is neither. */
export function chainIdOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value !== "string" || !/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) return null;
  const parsed = Number(BigInt(value));
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : null;
}

/** Whether the wallet's `chain` is no longer the session's `expected` one. An unreadable payload is not a switch. */
export function chainMismatch(expected: number, chain: unknown): SessionMismatch | null {
  const chainId = chainIdOf(chain);
  return chainId !== null && chainId !== expected ? "networkChanged" : null;
}
