import type { Interface } from "ethers";

/** A decoded contract revert: the custom error's name and arguments. */
export interface DecodedRevert {
  name: string;
  args: string[];
}

function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    const candidate = current as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
    if (typeof candidate.data === "string" && candidate.data.startsWith("0x")) return candidate.data;
    if (candidate.data && typeof (candidate.data as { data?: unknown }).data === "string") {
      return (candidate.data as { data: string }).data;
    }
    current = candidate.error ?? candidate.info?.error ?? candidate.cause;
  }
  return undefined;
}

/** Decodes a revert against the contracts' ABIs (never by matching message strings); undefined when it is not a revert. */
export function decodeRevert(error: unknown, interfaces: Interface[]): DecodedRevert | undefined {
  const data = revertData(error);
  if (!data || data === "0x")
    return (error as { code?: string }).code === "CALL_EXCEPTION" ? { name: "Reverted", args: [] } : undefined;
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return { name: parsed.name, args: parsed.args.map((value: unknown) => String(value)) };
    } catch {
      // Not this contract's error: try the next ABI.
    }
  }
  return { name: "UnknownRevert", args: [data.slice(0, 10)] };
}
