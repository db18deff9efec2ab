/**
 * Fontaine sdk core: hashing, EIP-712 typed data, uids, Merkle batches, statuses, deployment files, chain reads.
 * Everything here is pure or takes an ethers provider, and bundles for browsers (no Node-only imports).
 */
export * from "./hashing";
export * from "./eip712";
export * from "./uid";
export * from "./merkle";
export * from "./status";
export * from "./deployment";
export * from "./chain";
