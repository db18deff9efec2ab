/** Typed client of the Fontaine provenance API and the zod schemas it shares with the server. */
export * from "./client";
export * from "./contract";
export * from "./fields";
export * from "./batches.contract";
