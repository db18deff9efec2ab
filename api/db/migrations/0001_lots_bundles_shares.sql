CREATE TABLE "imported_bundles" (
	"id" serial PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"subject" text NOT NULL,
	"bundle" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lot_records" (
	"lot_id" text NOT NULL,
	"version" integer NOT NULL,
	"organisation_id" text NOT NULL,
	"record" jsonb NOT NULL,
	"salt" text NOT NULL,
	"commitment" text NOT NULL,
	"commit" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lot_records_lot_id_version_pk" PRIMARY KEY("lot_id","version")
);
--> statement-breakpoint
CREATE TABLE "lot_shares" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"lot_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "imported_bundles_organisation_idx" ON "imported_bundles" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "lot_records_organisation_idx" ON "lot_records" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "lot_shares_organisation_idx" ON "lot_shares" USING btree ("organisation_id");