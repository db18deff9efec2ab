CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"digest" text NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"lot_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "documents_organisation_digest_idx" ON "documents" USING btree ("organisation_id","digest");--> statement-breakpoint
CREATE INDEX "documents_organisation_created_idx" ON "documents" USING btree ("organisation_id","created_at","id");--> statement-breakpoint
CREATE INDEX "documents_organisation_lot_idx" ON "documents" USING btree ("organisation_id","lot_id");