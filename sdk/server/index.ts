export * from "./errors";
export * from "./logger";
export * from "./shutdown";
export * from "./data-folder-lock";
export * from "./database";
