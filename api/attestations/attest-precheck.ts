import type { AttestMessage } from "../../sdk/eip712";
import { AttestationPolicy, KeyStatus, OrgKind } from "../../sdk/status";
import type { Chain } from "../chain/chain";

/** uint40, the largest expiry the registry stores. */
const UINT40_MAX = 2 ** 40 - 1;

const word = (hex: string) => hex.slice(2).toLowerCase().padStart(64, "0");

/** What a passed pre-check tells the caller (what the simulation told it before). */
export interface AttestPrecheck {
  /** The signer's organisation. */
  attesterId: string;
  /** The schema's default validity in seconds (0 = none). */
  defaultValidity: number;
}

/**
 * Everything `attestBySig` checks, decided without simulating it when the answer is yes:
 *
 * - the signature by local ECDSA recovery of the EIP-712 digest (signature-workers.ts: inline, or on a worker thread
 *   while the reads below are in flight; ERC-1271 wallets are not decided here);
 * - the schema (registered, not deprecated, its policy), the signer's key status and organisation kind, and the
 *   accreditation for certifier schemas, from chain reads cached until the next block (key status and
 *   accreditation also per second, since they depend on time); the requested expiry against the clock;
 * - whether the uid is already recorded and the nonce used or cancelled, read for every submission (they cannot
 *   be cached) but sent together with the other submissions of the same instant as one JSON-RPC batch.
 *
 * `undefined` means "not decided here": the caller simulates the call, which gives the contract's own error (or
 * accepts an ERC-1271 signature). A yes is therefore never a different answer than the simulation at that block,
 * except within one block or one cache period (200 ms) after the signer's key or the schema changed; such a leaf
 * is then judged by the chain when it is read (leafStatus checks the key at anchoring time).
 */
export function createAttestPrecheck(chain: Chain) {
  const registry = chain.contracts.AttestationRegistry;
  const federation = chain.contracts.Federation;
  const registryAddress = chain.deployment.contracts.AttestationRegistry.address;
  const attestationSelector = registry.interface.getFunction("attestation")!.selector;
  const nonceSelector = registry.interface.getFunction("isNonceUsed")!.selector;

  const schemaOf = (schema: string) =>
    chain.cache.get(`precheck-schema:${schema}`, async () => {
      const record = (await registry.getFunction("schemaOf").staticCall(schema)) as {
        index: bigint;
        policy: bigint;
        defaultValidity: bigint;
        deprecatedAt: bigint;
      };
      return {
        registered: record.index !== 0n,
        deprecated: record.deprecatedAt !== 0n,
        policy: Number(record.policy),
        defaultValidity: Number(record.defaultValidity),
      };
    });

  const signerAt = (signer: string, now: number) =>
    chain.cache.get(`precheck-signer:${signer}:${now}`, async () => {
      const result = (await federation.getFunction("signerAt").staticCall(signer, now)) as {
        org: string;
        kind: bigint;
        status: bigint;
      };
      return { org: result.org.toLowerCase(), kind: Number(result.kind), status: Number(result.status) };
    });

  const accredited = (org: string, schema: string, now: number) =>
    chain.cache.get(`precheck-accredited:${org}:${schema}:${now}`, async () =>
      Boolean(await federation.getFunction("isAccreditedAt").staticCall(org, schema, now)),
    );

  const recorded = async (uid: string) =>
    BigInt(await chain.calls.call(registryAddress, attestationSelector + word(uid))) !== 0n;
  const recordedCached = (uid: string) => chain.cache.get(`precheck-recorded:${uid}`, () => recorded(uid));

  return {
    /**
     * `recovered`: the ECDSA signer of the message's digest, still being computed (signature-workers.ts): the
     * chain reads start meanwhile.
     */
    async check(
      message: AttestMessage,
      signer: string,
      uid: string,
      recovered: Promise<string | null>,
    ): Promise<AttestPrecheck | undefined> {
      // Not recovered (whatever the reason) is not decided here: the simulation decides.
      const signedBy = recovered.catch(() => null);
      const now = Math.floor(Date.now() / 1000);
      const expiry = Number(message.expiry);
      if (expiry !== 0 && (expiry <= now || expiry > UINT40_MAX)) return undefined;
      const hasRef = !/^0x0+$/.test(message.ref);
      const [recoveredSigner, schema, key, alreadyRecorded, nonceWord, refRecorded] = await Promise.all([
        signedBy,
        schemaOf(message.schema),
        signerAt(signer, now),
        recorded(uid),
        chain.calls.call(
          registryAddress,
          nonceSelector + word(signer) + BigInt(message.nonce).toString(16).padStart(64, "0"),
        ),
        hasRef ? recordedCached(message.ref) : Promise.resolve(true),
      ]);
      if (recoveredSigner !== signer.toLowerCase()) return undefined;
      if (!schema.registered || schema.deprecated) return undefined;
      if (key.status !== KeyStatus.VALID) return undefined;
      if (schema.policy === AttestationPolicy.ACCREDITED_CERTIFIER) {
        if (key.kind !== OrgKind.CERTIFIER || !(await accredited(key.org, message.schema, now))) return undefined;
      } else if (schema.policy !== AttestationPolicy.SELF_DECLARATION) return undefined;
      if (alreadyRecorded || BigInt(nonceWord) !== 0n || !refRecorded) return undefined;
      return { attesterId: key.org, defaultValidity: schema.defaultValidity };
    },
  };
}

/** The attestation pre-check. */
export type AttestPrecheckService = ReturnType<typeof createAttestPrecheck>;
