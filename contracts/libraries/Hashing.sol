// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

/// @title Fontaine's hashing formulas, the Solidity twin of `sdk/hashing.ts`, `sdk/eip712.ts`, `sdk/uid.ts` and
/// `sdk/merkle.ts`. Golden vectors (test/vectors/golden.json) keep both sides equal.
library Hashing {
    /// @dev keccak256("fontaine.claim.v1"): tag of salted claim digests.
    bytes32 internal constant CLAIM_TAG = keccak256("fontaine.claim.v1");
    /// @dev keccak256("fontaine.file.v1"): tag of file digests.
    bytes32 internal constant FILE_TAG = keccak256("fontaine.file.v1");
    /// @dev keccak256("fontaine.lot.v1"): tag of lot record commitments.
    bytes32 internal constant LOT_TAG = keccak256("fontaine.lot.v1");
    /// @dev keccak256("fontaine.schema.v1"): tag of schema ids.
    bytes32 internal constant SCHEMA_TAG = keccak256("fontaine.schema.v1");
    /// @dev keccak256("fontaine.metadata.v1"): tag of organisation metadata digests.
    bytes32 internal constant METADATA_TAG = keccak256("fontaine.metadata.v1");
    /// @dev keccak256("fontaine.attestation.uid.v1"): tag of attestation uids.
    bytes32 internal constant UID_TAG = keccak256("fontaine.attestation.uid.v1");
    /// @dev keccak256("fontaine.signed-batch.leaf.v1"): tag of the leaves of batches signed once over their root.
    bytes32 internal constant SIGNED_BATCH_LEAF_TAG = keccak256("fontaine.signed-batch.leaf.v1");

    /// @dev keccak256("Attest(bytes32 schema,bytes32 subject,bytes32 digest,uint64 expiry,bytes32 ref,uint256 nonce,uint64 deadline)")
    bytes32 internal constant ATTEST_TYPEHASH = keccak256(
        "Attest(bytes32 schema,bytes32 subject,bytes32 digest,uint64 expiry,bytes32 ref,uint256 nonce,uint64 deadline)"
    );
    /// @dev keccak256("Endorse(bytes32 uid,uint256 nonce,uint64 deadline)")
    bytes32 internal constant ENDORSE_TYPEHASH = keccak256("Endorse(bytes32 uid,uint256 nonce,uint64 deadline)");
    /// @dev keccak256("Revoke(bytes32 uid,bytes32 reason,uint256 nonce,uint64 deadline)")
    bytes32 internal constant REVOKE_TYPEHASH = keccak256(
        "Revoke(bytes32 uid,bytes32 reason,uint256 nonce,uint64 deadline)"
    );
    /// @dev keccak256("SignedBatch(bytes32 root,uint32 count,uint256 nonce,uint64 deadline)")
    bytes32 internal constant SIGNED_BATCH_TYPEHASH = keccak256(
        "SignedBatch(bytes32 root,uint32 count,uint256 nonce,uint64 deadline)"
    );
    /// @dev keccak256("RevokeSignedLeaf(bytes32 uid,bytes32 reason,uint256 nonce,uint64 deadline)")
    bytes32 internal constant REVOKE_SIGNED_LEAF_TYPEHASH = keccak256(
        "RevokeSignedLeaf(bytes32 uid,bytes32 reason,uint256 nonce,uint64 deadline)"
    );
    /// @dev keccak256("Commit(bytes32 lotId,bytes32 commitment,uint256 nonce,uint64 deadline)")
    bytes32 internal constant COMMIT_TYPEHASH = keccak256(
        "Commit(bytes32 lotId,bytes32 commitment,uint256 nonce,uint64 deadline)"
    );
    /// @dev keccak256("Flag(bytes32 lotId,bytes32 reason,uint256 nonce,uint64 deadline)")
    bytes32 internal constant FLAG_TYPEHASH = keccak256(
        "Flag(bytes32 lotId,bytes32 reason,uint256 nonce,uint64 deadline)"
    );

    /// @dev keccak256(CLAIM_TAG ‖ salt ‖ canonicalJson).
    function claimDigest(bytes32 salt, bytes memory canonicalJson) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(CLAIM_TAG, salt, canonicalJson));
    }

    /// @dev keccak256(FILE_TAG ‖ bytes).
    function fileDigest(bytes memory content) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(FILE_TAG, content));
    }

    /// @dev keccak256(LOT_TAG ‖ salt ‖ canonicalJson).
    function lotCommitment(bytes32 salt, bytes memory canonicalJson) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(LOT_TAG, salt, canonicalJson));
    }

    /// @dev keccak256(SCHEMA_TAG ‖ canonicalJson).
    function schemaId(bytes memory canonicalJson) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(SCHEMA_TAG, canonicalJson));
    }

    /// @dev keccak256(METADATA_TAG ‖ canonicalJson).
    function metadataDigest(bytes memory canonicalJson) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(METADATA_TAG, canonicalJson));
    }

    /// @dev keccak256(abi.encode(UID_TAG, schema, subject, digest, signer, expiry, ref, nonce)), in scratch memory.
    function attestationUid(
        bytes32 schema,
        bytes32 subject,
        bytes32 digest,
        address signer,
        uint64 expiry,
        bytes32 ref,
        uint256 nonce
    ) internal pure returns (bytes32 uid) {
        // Same bytes as abi.encode(...) without allocating: write the 8 words at the free pointer, hash, leave the
        // pointer untouched (the memory is scratch from then on).
        bytes32 tag = UID_TAG;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, tag)
            mstore(add(ptr, 0x20), schema)
            mstore(add(ptr, 0x40), subject)
            mstore(add(ptr, 0x60), digest)
            mstore(add(ptr, 0x80), and(signer, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0xa0), and(expiry, 0xffffffffffffffff))
            mstore(add(ptr, 0xc0), ref)
            mstore(add(ptr, 0xe0), nonce)
            uid := keccak256(ptr, 0x100)
        }
    }

    /// @dev EIP-712 struct hash of an `Attest` message.
    function attestStructHash(
        bytes32 schema,
        bytes32 subject,
        bytes32 digest,
        uint64 expiry,
        bytes32 ref,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32 structHash) {
        // abi.encode of 8 static words without allocating, as above.
        bytes32 typeHash = ATTEST_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), schema)
            mstore(add(ptr, 0x40), subject)
            mstore(add(ptr, 0x60), digest)
            mstore(add(ptr, 0x80), and(expiry, 0xffffffffffffffff))
            mstore(add(ptr, 0xa0), ref)
            mstore(add(ptr, 0xc0), nonce)
            mstore(add(ptr, 0xe0), and(deadline, 0xffffffffffffffff))
            structHash := keccak256(ptr, 0x100)
        }
    }

    /// @dev EIP-712 struct hash of an `Endorse` message.
    function endorseStructHash(bytes32 uid, uint256 nonce, uint64 deadline) internal pure returns (bytes32) {
        return keccak256(abi.encode(ENDORSE_TYPEHASH, uid, nonce, deadline));
    }

    /// @dev EIP-712 struct hash of a `Revoke` message.
    function revokeStructHash(
        bytes32 uid,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(REVOKE_TYPEHASH, uid, reason, nonce, deadline));
    }

    /// @dev EIP-712 struct hash of a `SignedBatch` message.
    function signedBatchStructHash(
        bytes32 root,
        uint32 count,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(SIGNED_BATCH_TYPEHASH, root, count, nonce, deadline));
    }

    /// @dev EIP-712 struct hash of a `RevokeSignedLeaf` message.
    function revokeSignedLeafStructHash(
        bytes32 uid,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(REVOKE_SIGNED_LEAF_TYPEHASH, uid, reason, nonce, deadline));
    }

    /// @dev EIP-712 struct hash of a `Commit` message.
    function commitStructHash(
        bytes32 lotId,
        bytes32 commitment,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(COMMIT_TYPEHASH, lotId, commitment, nonce, deadline));
    }

    /// @dev EIP-712 struct hash of a `Flag` message.
    function flagStructHash(
        bytes32 lotId,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(FLAG_TYPEHASH, lotId, reason, nonce, deadline));
    }

    /// @dev StandardMerkleTree leaf of a batch item: keccak256(bytes.concat(keccak256(abi.encode(digest, signer)))).
    function batchLeaf(bytes32 attestDigest, address signer) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(attestDigest, signer))));
    }

    /// @dev StandardMerkleTree leaf of a signed batch (types ["bytes32","bytes32"]):
    /// keccak256(bytes.concat(keccak256(abi.encode(SIGNED_BATCH_LEAF_TAG, uid)))). The tag in the first word keeps it
    /// apart from `batchLeaf`, whose first word is an EIP-712 digest: equal leaves would need a keccak collision.
    function signedBatchLeaf(bytes32 uid) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(SIGNED_BATCH_LEAF_TAG, uid))));
    }
}
