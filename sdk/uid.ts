/**
 * Deterministic attestation uids (the same formula as AttestationRegistry). Pure, Node and browsers.
 */
import { AbiCoder, getAddress, ZeroHash, keccak256 } from "ethers";
import { assertBytes32, HASH_TAGS, type Hex } from "./hashing";
import type { Numeric } from "./eip712";

/** What a uid is computed from: the signed attestation fields and the signer key. */
export interface UidInput {
  schema: string;
  subject: string;
  digest: string;
  signer: string;
  /** Requested expiry as signed (not the effective one after the schema's default validity). */
  expiry: Numeric;
  ref?: string;
  nonce: Numeric;
}

/** uid = keccak256(abi.encode(uidTag, schema, subject, digest, signer, expiry, ref, nonce)). */
export function attestationUid(input: UidInput): Hex {
  const ref = input.ref ?? ZeroHash;
  assertBytes32(input.schema, "schema");
  assertBytes32(input.subject, "subject");
  assertBytes32(input.digest, "digest");
  assertBytes32(ref, "ref");
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "bytes32", "bytes32", "bytes32", "address", "uint64", "bytes32", "uint256"],
    [
      HASH_TAGS.attestationUid,
      input.schema,
      input.subject,
      input.digest,
      getAddress(input.signer),
      BigInt(input.expiry),
      ref,
      BigInt(input.nonce),
    ],
  );
  return keccak256(encoded) as Hex;
}
