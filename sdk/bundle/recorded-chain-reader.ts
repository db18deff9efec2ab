/**
 * A ChainReader's answers as JSON: `recordingChainReader` wraps a live reader and keeps what it answered;
 * `replayChainReader` answers the same questions from that record. The golden bundle vectors ship with the chain
 * facts they were verified against, so any implementation of `verifyBundle` can be checked against them without a
 * node. Never a substitute for reading the chain when verifying for real. Pure, Node and browsers.
 */
import { canonicalJson, type Hex } from "../hashing";
import type {
  AttestationFacts,
  ChainReader,
  ChainSnapshot,
  LeafFacts,
  LeafQuery,
  LotFacts,
  SignedLeafFacts,
  SignedLeafQuery,
  SignerFacts,
  SignerQuery,
} from "./chain-reader";
import { ChainReadError } from "./errors";
import { recoverSignersLocally } from "./signatures";

/** Everything a reader answered during one or more verifications, at one snapshot. */
export interface RecordedChainFacts {
  snapshot: ChainSnapshot;
  lots: Record<string, LotFacts>;
  attestations: Record<string, AttestationFacts>;
  leaves: { query: LeafQuery; facts: LeafFacts }[];
  /** Leaves of signed batches (absent in records made before signed batches). */
  signedLeaves?: { query: SignedLeafQuery; facts: SignedLeafFacts }[];
  signers: { query: SignerQuery; facts: SignerFacts }[];
  contractSignatures: { signer: Hex; digest: Hex; signature: Hex; valid: boolean }[];
}

/** A reader that forwards to `inner` and records every answer (`facts()` returns the record). */
export function recordingChainReader(inner: ChainReader): ChainReader & { facts(): RecordedChainFacts } {
  let snapshot: ChainSnapshot | undefined;
  const lots: Record<string, LotFacts> = {};
  const attestations: Record<string, AttestationFacts> = {};
  const leaves = new Map<string, { query: LeafQuery; facts: LeafFacts }>();
  const signedLeaves = new Map<string, { query: SignedLeafQuery; facts: SignedLeafFacts }>();
  const signers = new Map<string, { query: SignerQuery; facts: SignerFacts }>();
  const contractSignatures = new Map<string, RecordedChainFacts["contractSignatures"][number]>();
  const readsSignedLeaves = inner.signedLeaves?.bind(inner);
  return {
    async snapshot() {
      snapshot = await inner.snapshot();
      return snapshot;
    },
    async lots(lotIds) {
      const answer = await inner.lots(lotIds);
      for (const [lotId, facts] of answer) lots[lotId] = facts;
      return answer;
    },
    async attestations(uids) {
      const answer = await inner.attestations(uids);
      for (const [uid, facts] of answer) attestations[uid] = facts;
      return answer;
    },
    async leaves(queries) {
      const answer = await inner.leaves(queries);
      queries.forEach((query, index) => leaves.set(canonicalJson(query), { query, facts: answer[index]! }));
      return answer;
    },
    ...(readsSignedLeaves && {
      async signedLeaves(queries: readonly SignedLeafQuery[]) {
        const answer = await readsSignedLeaves(queries);
        queries.forEach((query, index) => signedLeaves.set(canonicalJson(query), { query, facts: answer[index]! }));
        return answer;
      },
    }),
    async signers(queries) {
      const answer = await inner.signers(queries);
      queries.forEach((query, index) => signers.set(signerKey(query), { query, facts: answer[index]! }));
      return answer;
    },
    recoverSigners: (queries) => inner.recoverSigners(queries),
    async isValidContractSignature(signer, digest, signature) {
      const valid = await inner.isValidContractSignature(signer, digest, signature);
      contractSignatures.set(canonicalJson([signer.toLowerCase(), digest, signature]), {
        signer,
        digest,
        signature,
        valid,
      });
      return valid;
    },
    facts() {
      if (!snapshot) throw new ChainReadError("nothing recorded yet", { retryable: false });
      return {
        snapshot,
        lots: { ...lots },
        attestations: { ...attestations },
        leaves: [...leaves.values()],
        ...(signedLeaves.size > 0 ? { signedLeaves: [...signedLeaves.values()] } : {}),
        signers: [...signers.values()],
        contractSignatures: [...contractSignatures.values()],
      };
    },
  };
}

/** A reader answering from a record; a question the record cannot answer is an error, never a guess. */
export function replayChainReader(facts: RecordedChainFacts): ChainReader {
  const leaves = new Map(facts.leaves.map((entry) => [canonicalJson(entry.query), entry.facts]));
  const signedLeaves = new Map((facts.signedLeaves ?? []).map((entry) => [canonicalJson(entry.query), entry.facts]));
  const signers = new Map(facts.signers.map((entry) => [signerKey(entry.query), entry.facts]));
  const contractSignatures = new Map(
    facts.contractSignatures.map((entry) => [
      canonicalJson([entry.signer.toLowerCase(), entry.digest, entry.signature]),
      entry.valid,
    ]),
  );
  const missing = (what: string) =>
    new ChainReadError(`the recorded chain facts do not answer ${what}`, { retryable: false });
  return {
    snapshot: async () => facts.snapshot,
    lots: async (lotIds) =>
      new Map(
        lotIds.map((lotId) => {
          const entry = facts.lots[lotId];
          if (!entry) throw missing(`lot ${lotId}`);
          return [lotId, entry];
        }),
      ),
    attestations: async (uids) =>
      new Map(
        uids.map((uid) => {
          const entry = facts.attestations[uid];
          if (!entry) throw missing(`attestation ${uid}`);
          return [uid, entry];
        }),
      ),
    leaves: async (queries) =>
      queries.map((query) => {
        const entry = leaves.get(canonicalJson(query));
        if (!entry) throw missing(`batch leaf under ${query.root}`);
        return entry;
      }),
    signedLeaves: async (queries) =>
      queries.map((query) => {
        const entry = signedLeaves.get(canonicalJson(query));
        if (!entry) throw missing(`signed batch leaf under ${query.root}`);
        return entry;
      }),
    signers: async (queries) =>
      queries.map((query) => {
        const entry = signers.get(signerKey(query));
        if (!entry) throw missing(`key ${query.key} at ${query.time}`);
        return entry;
      }),
    // Recovery is arithmetic, not chain state: redone locally rather than recorded.
    recoverSigners: async (queries) => recoverSignersLocally(queries),
    isValidContractSignature: async (signer, digest, signature) =>
      contractSignatures.get(canonicalJson([signer.toLowerCase(), digest, signature])) ?? false,
  };
}

function signerKey(query: SignerQuery): string {
  return `${query.key.toLowerCase()}@${query.time}`;
}
