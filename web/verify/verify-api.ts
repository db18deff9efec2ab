import { failureOfStatus, type VerifyAnswer, type VerifyFailure } from "./verdict";

/** The API's answer, or why there is none. */
export type VerifyResult = { ok: true; answer: VerifyAnswer } | { ok: false; failure: VerifyFailure };

/** Base URL of the provenance API: the site itself (the API serves these pages). */
function apiUrl(root: string, path: string): string {
  return new URL(root + path.replace(/^\//, ""), window.location.href).toString();
}

/** Asks the API which attestations exist for `digest`; only the digest leaves the browser, never the file. */
export async function verifyDigest(root: string, digest: string): Promise<VerifyResult> {
  let response: Response;
  try {
    response = await fetch(apiUrl(root, "v1/verify"), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ digest }),
    });
  } catch {
    return { ok: false, failure: "offline" };
  }
  if (!response.ok) return { ok: false, failure: failureOfStatus(response.status) };
  return { ok: true, answer: (await response.json()) as VerifyAnswer };
}

/** Public facts about an organisation (its kind), or null when the API does not know it. */
export async function organisationKind(root: string, id: string): Promise<"supplier" | "certifier" | "member" | null> {
  return (await organisationSummary(root, id))?.kind ?? null;
}

/** An organisation's kind and, when its public profile is published (digest checked by the API), its name. */
export async function organisationSummary(
  root: string,
  id: string,
): Promise<{ kind: "supplier" | "certifier" | "member"; name: string | null } | null> {
  try {
    const response = await fetch(apiUrl(root, `v1/organisations/${id}`), { headers: { accept: "application/json" } });
    if (!response.ok) return null;
    const body = (await response.json()) as {
      kind: "supplier" | "certifier" | "member";
      profile?: { name?: unknown } | null;
    };
    return { kind: body.kind, name: typeof body.profile?.name === "string" ? body.profile.name : null };
  } catch {
    return null;
  }
}

/** A schema's JSON definition (with its FR/NL/EN labels), or null. */
export async function schemaDefinition(root: string, id: string): Promise<unknown> {
  try {
    const response = await fetch(apiUrl(root, `v1/schemas/${id}`), { headers: { accept: "application/json" } });
    if (!response.ok) return null;
    return ((await response.json()) as { definition: unknown }).definition;
  } catch {
    return null;
  }
}

/** When block `blockNumber` was made (unix seconds), read from the chain through the API's read-only proxy. */
export async function blockTime(root: string, blockNumber: number): Promise<number | null> {
  try {
    const response = await fetch(apiUrl(root, "v1/rpc"), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getBlockByNumber",
        params: [`0x${blockNumber.toString(16)}`, false],
      }),
    });
    if (!response.ok) return null;
    const answer = (await response.json()) as { result?: { timestamp?: string } | null };
    return answer.result?.timestamp ? Number(BigInt(answer.result.timestamp)) : null;
  } catch {
    return null;
  }
}
