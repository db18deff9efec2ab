CREATE TABLE "signed_batch_leaves" (
	"root" text NOT NULL,
	"uid" text NOT NULL,
	"position" integer NOT NULL,
	"leaf_hash" text NOT NULL,
	"proof" jsonb NOT NULL,
	"schema_id" text NOT NULL,
	"subject" text NOT NULL,
	"digest" text NOT NULL,
	"expiry" text NOT NULL,
	"ref_uid" text,
	"nonce" text NOT NULL,
	CONSTRAINT "signed_batch_leaves_root_uid_pk" PRIMARY KEY("root","uid")
);
--> statement-breakpoint
CREATE INDEX "signed_batch_leaves_uid_idx" ON "signed_batch_leaves" USING btree ("uid");--> statement-breakpoint
CREATE INDEX "signed_batch_leaves_leaf_hash_idx" ON "signed_batch_leaves" USING btree ("leaf_hash");