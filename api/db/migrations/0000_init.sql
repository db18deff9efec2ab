CREATE TABLE "accreditations" (
	"certifier_id" text NOT NULL,
	"schema_id" text NOT NULL,
	"valid_from" bigint NOT NULL,
	"valid_until" bigint NOT NULL,
	"withdrawn" boolean DEFAULT false NOT NULL,
	"block_number" bigint NOT NULL,
	"updated_block" bigint NOT NULL,
	CONSTRAINT "accreditations_certifier_id_schema_id_pk" PRIMARY KEY("certifier_id","schema_id")
);
--> statement-breakpoint
CREATE TABLE "attestations" (
	"uid" text PRIMARY KEY NOT NULL,
	"schema_id" text NOT NULL,
	"subject" text NOT NULL,
	"digest" text NOT NULL,
	"attester_id" text NOT NULL,
	"signer" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"ref_uid" text,
	"batch_root" text,
	"chain_id" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"block_time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"root" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"submitter" text NOT NULL,
	"chain_id" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_events" (
	"chain_id" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"contract" text NOT NULL,
	"name" text NOT NULL,
	"args" jsonb NOT NULL,
	CONSTRAINT "chain_events_chain_id_tx_hash_log_index_pk" PRIMARY KEY("chain_id","tx_hash","log_index")
);
--> statement-breakpoint
CREATE TABLE "endorsements" (
	"uid" text NOT NULL,
	"certifier_id" text NOT NULL,
	"signer" text NOT NULL,
	"withdrawn" boolean DEFAULT false NOT NULL,
	"chain_id" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	CONSTRAINT "endorsements_uid_certifier_id_pk" PRIMARY KEY("uid","certifier_id")
);
--> statement-breakpoint
CREATE TABLE "indexed_blocks" (
	"block_number" bigint PRIMARY KEY NOT NULL,
	"block_hash" text NOT NULL,
	"parent_hash" text NOT NULL,
	"timestamp" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indexer_cursor" (
	"id" text PRIMARY KEY NOT NULL,
	"chain_id" bigint NOT NULL,
	"genesis_hash" text NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leaves" (
	"uid" text PRIMARY KEY NOT NULL,
	"root" text NOT NULL,
	"leaf_hash" text NOT NULL,
	"attest_digest" text NOT NULL,
	"proof" jsonb NOT NULL,
	"schema_id" text NOT NULL,
	"subject" text NOT NULL,
	"digest" text NOT NULL,
	"attester_id" text NOT NULL,
	"signer" text NOT NULL,
	"expiry" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"ref_uid" text,
	"nonce" text NOT NULL,
	"deadline" text NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lot_commitments" (
	"lot_id" text NOT NULL,
	"version" integer NOT NULL,
	"commitment" text NOT NULL,
	"organisation_id" text NOT NULL,
	"chain_id" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	CONSTRAINT "lot_commitments_lot_id_version_pk" PRIMARY KEY("lot_id","version")
);
--> statement-breakpoint
CREATE TABLE "lot_flags" (
	"chain_id" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"lot_id" text NOT NULL,
	"reason" text NOT NULL,
	"by_id" text NOT NULL,
	"block_number" bigint NOT NULL,
	CONSTRAINT "lot_flags_chain_id_tx_hash_log_index_pk" PRIMARY KEY("chain_id","tx_hash","log_index")
);
--> statement-breakpoint
CREATE TABLE "organisation_keys" (
	"organisation_id" text NOT NULL,
	"address" text NOT NULL,
	"valid_from" bigint NOT NULL,
	"valid_until" bigint,
	"compromised_from" bigint,
	"block_number" bigint NOT NULL,
	"updated_block" bigint NOT NULL,
	CONSTRAINT "organisation_keys_organisation_id_address_pk" PRIMARY KEY("organisation_id","address")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"active" boolean NOT NULL,
	"admitted_at" bigint NOT NULL,
	"metadata_digest" text NOT NULL,
	"suspension_reason" text,
	"block_number" bigint NOT NULL,
	"updated_block" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"uid" text NOT NULL,
	"organisation_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"transaction_id" bigint,
	"batch_root" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_transactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chain_id" bigint NOT NULL,
	"sender" text NOT NULL,
	"nonce" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"raw_transaction" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"block_number" bigint,
	"broadcast_count" integer DEFAULT 0 NOT NULL,
	"last_broadcast_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revocations" (
	"chain_id" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"uid" text NOT NULL,
	"kind" text NOT NULL,
	"by_id" text NOT NULL,
	"reason" text NOT NULL,
	"block_number" bigint NOT NULL,
	CONSTRAINT "revocations_chain_id_tx_hash_log_index_pk" PRIMARY KEY("chain_id","tx_hash","log_index")
);
--> statement-breakpoint
CREATE TABLE "schemas" (
	"id" text PRIMARY KEY NOT NULL,
	"attester_rule" text NOT NULL,
	"default_validity" bigint DEFAULT 0 NOT NULL,
	"deprecated_by" text,
	"active" boolean DEFAULT true NOT NULL,
	"definition" jsonb,
	"block_number" bigint NOT NULL,
	"updated_block" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"chain_id" bigint NOT NULL,
	"organisation_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "siwe_nonces" (
	"nonce" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "attestations_digest_idx" ON "attestations" USING btree ("digest");--> statement-breakpoint
CREATE INDEX "attestations_subject_idx" ON "attestations" USING btree ("subject","block_number");--> statement-breakpoint
CREATE INDEX "attestations_attester_idx" ON "attestations" USING btree ("attester_id","block_number");--> statement-breakpoint
CREATE INDEX "attestations_schema_idx" ON "attestations" USING btree ("schema_id","block_number");--> statement-breakpoint
CREATE INDEX "attestations_block_idx" ON "attestations" USING btree ("block_number","log_index");--> statement-breakpoint
CREATE INDEX "chain_events_block_idx" ON "chain_events" USING btree ("block_number");--> statement-breakpoint
CREATE INDEX "leaves_root_idx" ON "leaves" USING btree ("root");--> statement-breakpoint
CREATE INDEX "leaves_leaf_hash_idx" ON "leaves" USING btree ("leaf_hash");--> statement-breakpoint
CREATE INDEX "leaves_digest_idx" ON "leaves" USING btree ("digest");--> statement-breakpoint
CREATE INDEX "lot_flags_lot_idx" ON "lot_flags" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "organisation_keys_address_idx" ON "organisation_keys" USING btree ("address");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_jobs_kind_uid_idx" ON "relay_jobs" USING btree ("kind","uid");--> statement-breakpoint
CREATE INDEX "relay_jobs_status_idx" ON "relay_jobs" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "relay_jobs_transaction_idx" ON "relay_jobs" USING btree ("transaction_id");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_transactions_hash_idx" ON "relay_transactions" USING btree ("tx_hash");--> statement-breakpoint
CREATE INDEX "relay_transactions_status_idx" ON "relay_transactions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "relay_transactions_sender_nonce_idx" ON "relay_transactions" USING btree ("sender","nonce");--> statement-breakpoint
CREATE INDEX "revocations_uid_idx" ON "revocations" USING btree ("uid");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "siwe_nonces_expires_idx" ON "siwe_nonces" USING btree ("expires_at");