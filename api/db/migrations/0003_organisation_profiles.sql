CREATE TABLE "organisation_profiles" (
	"organisation_id" text NOT NULL,
	"digest" text NOT NULL,
	"profile" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisation_profiles_organisation_id_digest_pk" PRIMARY KEY("organisation_id","digest")
);
