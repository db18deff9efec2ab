// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Hashing} from "../libraries/Hashing.sol";

/// @title Exposes the Hashing library for golden-vector tests. Test only.
contract HashingHarness {
    /// @notice The type tags and EIP-712 type hashes.
    /// @return tags [claim, file, lot, schema, metadata, uid, attest, endorse, revoke, commit, flag, signed-batch leaf,
    /// signed batch, revoke signed leaf].
    function constants() external pure returns (bytes32[14] memory tags) {
        tags = [
            Hashing.CLAIM_TAG,
            Hashing.FILE_TAG,
            Hashing.LOT_TAG,
            Hashing.SCHEMA_TAG,
            Hashing.METADATA_TAG,
            Hashing.UID_TAG,
            Hashing.ATTEST_TYPEHASH,
            Hashing.ENDORSE_TYPEHASH,
            Hashing.REVOKE_TYPEHASH,
            Hashing.COMMIT_TYPEHASH,
            Hashing.FLAG_TYPEHASH,
            Hashing.SIGNED_BATCH_LEAF_TAG,
            Hashing.SIGNED_BATCH_TYPEHASH,
            Hashing.REVOKE_SIGNED_LEAF_TYPEHASH
        ];
    }

    /// @notice Salted claim digest.
    /// @param salt Salt.
    /// @param canonicalJson Canonical JSON bytes.
    /// @return The digest.
    function claimDigest(bytes32 salt, bytes calldata canonicalJson) external pure returns (bytes32) {
        return Hashing.claimDigest(salt, canonicalJson);
    }

    /// @notice File digest.
    /// @param content File bytes.
    /// @return The digest.
    function fileDigest(bytes calldata content) external pure returns (bytes32) {
        return Hashing.fileDigest(content);
    }

    /// @notice Lot record commitment.
    /// @param salt Salt.
    /// @param canonicalJson Canonical JSON bytes.
    /// @return The commitment.
    function lotCommitment(bytes32 salt, bytes calldata canonicalJson) external pure returns (bytes32) {
        return Hashing.lotCommitment(salt, canonicalJson);
    }

    /// @notice Schema id.
    /// @param canonicalJson Canonical JSON bytes.
    /// @return The id.
    function schemaId(bytes calldata canonicalJson) external pure returns (bytes32) {
        return Hashing.schemaId(canonicalJson);
    }

    /// @notice Metadata digest.
    /// @param canonicalJson Canonical JSON bytes.
    /// @return The digest.
    function metadataDigest(bytes calldata canonicalJson) external pure returns (bytes32) {
        return Hashing.metadataDigest(canonicalJson);
    }

    /// @notice Attestation uid.
    /// @param schema Schema id.
    /// @param subject Subject.
    /// @param digest Digest.
    /// @param signer Signer key.
    /// @param expiry Requested expiry.
    /// @param ref Related uid.
    /// @param nonce Nonce.
    /// @return The uid.
    function attestationUid(
        bytes32 schema,
        bytes32 subject,
        bytes32 digest,
        address signer,
        uint64 expiry,
        bytes32 ref,
        uint256 nonce
    ) external pure returns (bytes32) {
        return Hashing.attestationUid(schema, subject, digest, signer, expiry, ref, nonce);
    }

    /// @notice EIP-712 struct hash of an `Attest` message.
    /// @param schema Schema id.
    /// @param subject Subject.
    /// @param digest Digest.
    /// @param expiry Requested expiry.
    /// @param ref Related uid.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    /// @return The struct hash.
    function attestStructHash(
        bytes32 schema,
        bytes32 subject,
        bytes32 digest,
        uint64 expiry,
        bytes32 ref,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return Hashing.attestStructHash(schema, subject, digest, expiry, ref, nonce, deadline);
    }

    /// @notice EIP-712 struct hash of an `Endorse` message.
    /// @param uid Uid.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    /// @return The struct hash.
    function endorseStructHash(bytes32 uid, uint256 nonce, uint64 deadline) external pure returns (bytes32) {
        return Hashing.endorseStructHash(uid, nonce, deadline);
    }

    /// @notice EIP-712 struct hash of a `Revoke` message.
    /// @param uid Uid.
    /// @param reason Reason.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    /// @return The struct hash.
    function revokeStructHash(
        bytes32 uid,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return Hashing.revokeStructHash(uid, reason, nonce, deadline);
    }

    /// @notice EIP-712 struct hash of a `Commit` message.
    /// @param lotId Lot id.
    /// @param commitment Commitment.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    /// @return The struct hash.
    function commitStructHash(
        bytes32 lotId,
        bytes32 commitment,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return Hashing.commitStructHash(lotId, commitment, nonce, deadline);
    }

    /// @notice EIP-712 struct hash of a `Flag` message.
    /// @param lotId Lot id.
    /// @param reason Reason code.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    /// @return The struct hash.
    function flagStructHash(
        bytes32 lotId,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return Hashing.flagStructHash(lotId, reason, nonce, deadline);
    }

    /// @notice EIP-712 domain separator of a Fontaine domain.
    /// @param name Domain name.
    /// @param version Domain version.
    /// @param chainId Chain id.
    /// @param verifyingContract Contract address.
    /// @return The separator.
    function domainSeparator(
        string calldata name,
        string calldata version,
        uint256 chainId,
        address verifyingContract
    ) external pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                    keccak256(bytes(name)),
                    keccak256(bytes(version)),
                    chainId,
                    verifyingContract
                )
            );
    }

    /// @notice EIP-712 digest from a domain separator and a struct hash.
    /// @param separator Domain separator.
    /// @param structHash Struct hash.
    /// @return The digest.
    function typedDataDigest(bytes32 separator, bytes32 structHash) external pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(separator, structHash);
    }

    /// @notice `SignedBatch` struct hash.
    /// @param root Merkle root.
    /// @param count Leaves.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    /// @return The struct hash.
    function signedBatchStructHash(
        bytes32 root,
        uint32 count,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return Hashing.signedBatchStructHash(root, count, nonce, deadline);
    }

    /// @notice `RevokeSignedLeaf` struct hash.
    /// @param uid Leaf uid.
    /// @param reason Reason code.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    /// @return The struct hash.
    function revokeSignedLeafStructHash(
        bytes32 uid,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return Hashing.revokeSignedLeafStructHash(uid, reason, nonce, deadline);
    }

    /// @notice Signed-batch leaf hash.
    /// @param uid The leaf's uid (with the batch's signer).
    /// @return The leaf.
    function signedBatchLeaf(bytes32 uid) external pure returns (bytes32) {
        return Hashing.signedBatchLeaf(uid);
    }

    /// @notice Batch leaf hash.
    /// @param attestDigest EIP-712 digest of the `Attest` message.
    /// @param signer Signer.
    /// @return The leaf.
    function batchLeaf(bytes32 attestDigest, address signer) external pure returns (bytes32) {
        return Hashing.batchLeaf(attestDigest, signer);
    }
}
