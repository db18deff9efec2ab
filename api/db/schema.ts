import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

// Hex values (addresses, bytes32) are stored lower-case as text: easy to read in psql, and
// comparisons never depend on checksum casing. Block numbers and unix times fit in 2^53.
const blockNumber = (name: string) => bigint(name, { mode: "number" });
/** Unix seconds (the contracts' uint40 times). */
const unixTime = (name: string) => bigint(name, { mode: "number" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

// ---------------------------------------------------------------------------------------------
// Chain index: public data, rebuildable from the chain at any time.
// ---------------------------------------------------------------------------------------------

/** Where the indexer stands, with the chain identity it was started on (never mix two chains). */
export const indexerCursor = pgTable("indexer_cursor", {
  id: text("id").primaryKey(),
  chainId: bigint("chain_id", { mode: "number" }).notNull(),
  genesisHash: text("genesis_hash").notNull(),
  /** Last block whose logs are fully written. */
  blockNumber: blockNumber("block_number").notNull(),
  blockHash: text("block_hash").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Hashes of recently indexed blocks, to find the common ancestor after a reorg. */
export const indexedBlocks = pgTable("indexed_blocks", {
  blockNumber: blockNumber("block_number").primaryKey(),
  blockHash: text("block_hash").notNull(),
  parentHash: text("parent_hash").notNull(),
  timestamp: unixTime("timestamp").notNull(),
});

/** Every decoded contract event, once per (chain id, tx hash, log index): the source the entity tables derive from. */
export const chainEvents = pgTable(
  "chain_events",
  {
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: blockNumber("block_number").notNull(),
    blockHash: text("block_hash").notNull(),
    contract: text("contract").notNull(),
    name: text("name").notNull(),
    args: jsonb("args").$type<Record<string, unknown>>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.chainId, table.txHash, table.logIndex] }),
    index("chain_events_block_idx").on(table.blockNumber),
  ],
);

/** Federation organisations (current state). */
export const organisations = pgTable("organisations", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  active: boolean("active").notNull(),
  admittedAt: unixTime("admitted_at").notNull(),
  metadataDigest: text("metadata_digest").notNull(),
  suspensionReason: text("suspension_reason"),
  blockNumber: blockNumber("block_number").notNull(),
  updatedBlock: blockNumber("updated_block").notNull(),
});

/** Signing keys of organisations with their validity interval. */
export const organisationKeys = pgTable(
  "organisation_keys",
  {
    organisationId: text("organisation_id").notNull(),
    address: text("address").notNull(),
    validFrom: unixTime("valid_from").notNull(),
    validUntil: unixTime("valid_until"),
    compromisedFrom: unixTime("compromised_from"),
    blockNumber: blockNumber("block_number").notNull(),
    updatedBlock: blockNumber("updated_block").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.organisationId, table.address] }),
    index("organisation_keys_address_idx").on(table.address),
  ],
);

/** Certifier accreditations per schema. */
export const accreditations = pgTable(
  "accreditations",
  {
    certifierId: text("certifier_id").notNull(),
    schemaId: text("schema_id").notNull(),
    validFrom: unixTime("valid_from").notNull(),
    validUntil: unixTime("valid_until").notNull(),
    withdrawn: boolean("withdrawn").notNull().default(false),
    blockNumber: blockNumber("block_number").notNull(),
    updatedBlock: blockNumber("updated_block").notNull(),
  },
  (table) => [primaryKey({ columns: [table.certifierId, table.schemaId] })],
);

/** Governor-approved attestation schemas. */
export const schemas = pgTable("schemas", {
  id: text("id").primaryKey(),
  /** Who may attest: `self` declaration or accredited `certifier` only. */
  attesterRule: text("attester_rule").notNull(),
  defaultValidity: unixTime("default_validity").notNull().default(0),
  deprecatedBy: text("deprecated_by"),
  active: boolean("active").notNull().default(true),
  /** Schema definition (JSON with FR/NL/EN labels) when known off chain; the chain holds its digest only. */
  definition: jsonb("definition"),
  blockNumber: blockNumber("block_number").notNull(),
  updatedBlock: blockNumber("updated_block").notNull(),
});

/** Attestations anchored singly or as Merkle leaves. */
export const attestations = pgTable(
  "attestations",
  {
    uid: text("uid").primaryKey(),
    schemaId: text("schema_id").notNull(),
    subject: text("subject").notNull(),
    digest: text("digest").notNull(),
    attesterId: text("attester_id").notNull(),
    signer: text("signer").notNull(),
    expiresAt: unixTime("expires_at").notNull(),
    refUid: text("ref_uid"),
    /** Merkle root when anchored as a batch leaf. */
    batchRoot: text("batch_root"),
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: blockNumber("block_number").notNull(),
    blockTime: unixTime("block_time").notNull(),
  },
  (table) => [
    index("attestations_digest_idx").on(table.digest),
    index("attestations_subject_idx").on(table.subject, table.blockNumber),
    index("attestations_attester_idx").on(table.attesterId, table.blockNumber),
    index("attestations_schema_idx").on(table.schemaId, table.blockNumber),
    index("attestations_block_idx").on(table.blockNumber, table.logIndex),
  ],
);

/** Certifier endorsements of attestations. */
export const endorsements = pgTable(
  "endorsements",
  {
    uid: text("uid").notNull(),
    certifierId: text("certifier_id").notNull(),
    signer: text("signer").notNull(),
    withdrawn: boolean("withdrawn").notNull().default(false),
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: blockNumber("block_number").notNull(),
  },
  (table) => [primaryKey({ columns: [table.uid, table.certifierId] })],
);

/** Revocations, endorsement withdrawals and governor suspensions (and their lifting). */
export const revocations = pgTable(
  "revocations",
  {
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    uid: text("uid").notNull(),
    /** `revoked`, `endorsement-withdrawn`, `suspended`, `unsuspended`. */
    kind: text("kind").notNull(),
    byId: text("by_id").notNull(),
    reason: text("reason").notNull(),
    blockNumber: blockNumber("block_number").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.chainId, table.txHash, table.logIndex] }),
    index("revocations_uid_idx").on(table.uid),
  ],
);

/** Merkle roots anchored on chain. */
export const batches = pgTable("batches", {
  root: text("root").primaryKey(),
  count: integer("count").notNull(),
  submitter: text("submitter").notNull(),
  chainId: bigint("chain_id", { mode: "number" }).notNull(),
  txHash: text("tx_hash").notNull(),
  logIndex: integer("log_index").notNull(),
  blockNumber: blockNumber("block_number").notNull(),
});

/**
 * Signed attestations the relayer put into Merkle batches: the leaf data, signature and proof that
 * `leafStatus` needs. Only this API knows them (the chain holds the root), so this table is private
 * data that an index rebuild must keep.
 */
export const leaves = pgTable(
  "leaves",
  {
    uid: text("uid").primaryKey(),
    root: text("root").notNull(),
    leafHash: text("leaf_hash").notNull(),
    /** EIP-712 digest of the signed `Attest` message. */
    attestDigest: text("attest_digest").notNull(),
    proof: jsonb("proof").$type<string[]>().notNull(),
    schemaId: text("schema_id").notNull(),
    subject: text("subject").notNull(),
    digest: text("digest").notNull(),
    attesterId: text("attester_id").notNull(),
    signer: text("signer").notNull(),
    expiry: text("expiry").notNull(),
    expiresAt: unixTime("expires_at").notNull(),
    refUid: text("ref_uid"),
    nonce: text("nonce").notNull(),
    deadline: text("deadline").notNull(),
    signature: text("signature").notNull(),
  },
  (table) => [
    index("leaves_root_idx").on(table.root),
    index("leaves_leaf_hash_idx").on(table.leafHash),
    index("leaves_digest_idx").on(table.digest),
  ],
);

/** Lot commitments (append-only versions); the lot record itself stays in its owner's private store. */
export const lotCommitments = pgTable(
  "lot_commitments",
  {
    lotId: text("lot_id").notNull(),
    version: integer("version").notNull(),
    commitment: text("commitment").notNull(),
    organisationId: text("organisation_id").notNull(),
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: blockNumber("block_number").notNull(),
  },
  (table) => [primaryKey({ columns: [table.lotId, table.version] })],
);

/** Recalls and dispute flags on lots. */
export const lotFlags = pgTable(
  "lot_flags",
  {
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    lotId: text("lot_id").notNull(),
    reason: text("reason").notNull(),
    byId: text("by_id").notNull(),
    blockNumber: blockNumber("block_number").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.chainId, table.txHash, table.logIndex] }),
    index("lot_flags_lot_idx").on(table.lotId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Private data: the only copy, never rebuilt, never lost. (Lot records, documents and bundles are
// added by later migrations.)
// ---------------------------------------------------------------------------------------------

/**
 * Durable relay queue. One row per signed payload, unique per (kind, uid): a retried submission
 * finds the existing job instead of queueing a second one.
 */
export const relayJobs = pgTable(
  "relay_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    uid: text("uid").notNull(),
    organisationId: text("organisation_id").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** `queued` → `submitted` → `anchored`, or `failed` with a reason. */
    status: text("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    transactionId: bigint("transaction_id", { mode: "number" }),
    batchRoot: text("batch_root"),
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("relay_jobs_kind_uid_idx").on(table.kind, table.uid),
    index("relay_jobs_status_idx").on(table.status, table.id),
    index("relay_jobs_transaction_idx").on(table.transactionId),
    index("relay_jobs_batch_root_idx").on(table.batchRoot),
  ],
);

/**
 * Transactions the relayer signed. The signed bytes are stored before broadcasting so that after
 * a crash the same transaction (same nonce, same hash) is re-broadcast, never a second one.
 */
export const relayTransactions = pgTable(
  "relay_transactions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    sender: text("sender").notNull(),
    nonce: bigint("nonce", { mode: "number" }).notNull(),
    txHash: text("tx_hash").notNull(),
    rawTransaction: text("raw_transaction").notNull(),
    /** `pending` → `mined` | `reverted` | `dropped`. */
    status: text("status").notNull().default("pending"),
    blockNumber: blockNumber("block_number"),
    broadcastCount: integer("broadcast_count").notNull().default(0),
    lastBroadcastAt: timestamp("last_broadcast_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("relay_transactions_hash_idx").on(table.txHash),
    index("relay_transactions_status_idx").on(table.status),
    index("relay_transactions_sender_nonce_idx").on(table.sender, table.nonce),
  ],
);

/** Single-use Sign-In with Ethereum nonces. */
export const siweNonces = pgTable(
  "siwe_nonces",
  {
    nonce: text("nonce").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index("siwe_nonces_expires_idx").on(table.expiresAt)],
);

/** Signed-in sessions; only the SHA-256 of the cookie token is stored. */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    address: text("address").notNull(),
    chainId: bigint("chain_id", { mode: "number" }).notNull(),
    organisationId: text("organisation_id"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index("sessions_expires_idx").on(table.expiresAt)],
);

/** Every table of the API database, for Drizzle's relational queries and migrations. */
export const apiSchema = {
  indexerCursor,
  indexedBlocks,
  chainEvents,
  organisations,
  organisationKeys,
  accreditations,
  schemas,
  attestations,
  endorsements,
  revocations,
  batches,
  leaves,
  lotCommitments,
  lotFlags,
  relayJobs,
  relayTransactions,
  siweNonces,
  sessions,
};

/** The API database type. */
export type ApiSchema = typeof apiSchema;
export * from "./lots.schema";
export * from "./documents.schema";
export * from "./profiles.schema";
export * from "./batches.schema";
