/**
 * Disclosure bundles: format v1, building, verification against the chain, reasons in FR/NL/EN, chain readers.
 * Browser-safe: nothing here imports Node modules.
 */
export * from "./errors";
export * from "./format";
export * from "./messages";
export * from "./chain-reader";
export * from "./build";
export * from "./verify";
export * from "./ethers-chain-reader";
export * from "./recorded-chain-reader";
export * from "./signatures";
export * from "./fast-hashing";
export * from "./deployless-reads";
