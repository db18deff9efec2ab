CREATE TABLE "telemetry_alert_transitions" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"alert_id" text NOT NULL,
	"fountain_id" text NOT NULL,
	"sensor" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"state" text NOT NULL,
	"value" double precision,
	"unit" text,
	"since" timestamp (3) with time zone NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"acknowledged_by" text
);
--> statement-breakpoint
CREATE TABLE "telemetry_gaps" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"fountain_id" text NOT NULL,
	"source" text NOT NULL,
	"from_time" timestamp (3) with time zone NOT NULL,
	"to_time" timestamp (3) with time zone NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telemetry_reading_minutes" (
	"fountain_id" text NOT NULL,
	"sensor" text NOT NULL,
	"minute" timestamp (3) with time zone NOT NULL,
	"unit" text NOT NULL,
	"samples" integer NOT NULL,
	"good_samples" integer NOT NULL,
	"min_value" double precision,
	"max_value" double precision,
	"sum_value" double precision,
	CONSTRAINT "telemetry_reading_minutes_fountain_id_sensor_minute_pk" PRIMARY KEY("fountain_id","sensor","minute")
);
--> statement-breakpoint
CREATE TABLE "telemetry_readings" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"fountain_id" text NOT NULL,
	"sensor" text NOT NULL,
	"value" double precision,
	"unit" text NOT NULL,
	"quality" text NOT NULL,
	"source_time" timestamp (3) with time zone NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telemetry_stream_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"reserved_seq" bigint NOT NULL,
	"pruned_through_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "telemetry_alert_transitions_fountain_at" ON "telemetry_alert_transitions" USING btree ("fountain_id","at");--> statement-breakpoint
CREATE INDEX "telemetry_alert_transitions_alert" ON "telemetry_alert_transitions" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "telemetry_gaps_fountain_from" ON "telemetry_gaps" USING btree ("fountain_id","from_time");--> statement-breakpoint
CREATE INDEX "telemetry_readings_fountain_time" ON "telemetry_readings" USING btree ("fountain_id","source_time");--> statement-breakpoint
CREATE INDEX "telemetry_readings_time" ON "telemetry_readings" USING btree ("source_time");