// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {AttestationPolicy, Status} from "../Common.sol";
import {IFederation} from "./IFederation.sol";
import {INonces} from "./INonces.sol";

/// @title AttestationRegistry: schemas, hashed attestations, endorsements, revocation and Merkle batches.
/// @notice Content never goes on chain: an attestation anchors a 32-byte salted `digest` of a claim or a file about a
/// `subject` (an organisation id or an opaque lot id) under a governor-approved `schema`. Each single attestation
/// stores one storage word (signer key, time, expiry, schema index, revoked flag); everything else is in the
/// `Attested` event and in the uid preimage. Uids are deterministic, so a replay fails with `AlreadyAttested`.
/// Statuses are computed from chain state and time: see `statusOf` and `leafStatus`.
/// @dev EIP-712 domain: name "Fontaine AttestationRegistry", version "1". Type strings:
/// `Attest(bytes32 schema,bytes32 subject,bytes32 digest,uint64 expiry,bytes32 ref,uint256 nonce,uint64 deadline)`,
/// `Endorse(bytes32 uid,uint256 nonce,uint64 deadline)`,
/// `Revoke(bytes32 uid,bytes32 reason,uint256 nonce,uint64 deadline)`,
/// `SignedBatch(bytes32 root,uint32 count,uint256 nonce,uint64 deadline)`,
/// `RevokeSignedLeaf(bytes32 uid,bytes32 reason,uint256 nonce,uint64 deadline)`.
/// uid = keccak256(abi.encode(keccak256("fontaine.attestation.uid.v1"), schema, subject, digest, signer, expiry, ref,
/// nonce)). Batch leaf (OpenZeppelin StandardMerkleTree, types ["bytes32","address"]) =
/// keccak256(bytes.concat(keccak256(abi.encode(attestTypedDataDigest, signer)))).
/// Signed batch leaf (StandardMerkleTree, types ["bytes32","bytes32"]) =
/// keccak256(bytes.concat(keccak256(abi.encode(keccak256("fontaine.signed-batch.leaf.v1"), uid)))), where uid is
/// the uid of the leaf's request with the batch's signer.
interface IAttestationRegistry is INonces {
    /// @notice What a signer attests. Part of the `Attest` typed data and of the uid.
    /// @param schema Schema id.
    /// @param subject Organisation id or opaque lot id the claim is about.
    /// @param digest Salted claim digest or file digest (`sdk/hashing.ts`).
    /// @param expiry Unix seconds after which it expires (0 = the schema's default validity, or never).
    /// @param ref Uid of a related attestation (0 = none); must exist when set.
    /// @param nonce Signer-chosen number making the uid unique; also voids the signature once cancelled.
    struct AttestationRequest {
        bytes32 schema;
        bytes32 subject;
        bytes32 digest;
        uint64 expiry;
        bytes32 ref;
        uint256 nonce;
    }

    /// @notice A registered schema.
    /// @param index Its 1-based registration index (0 = unknown), stored in attestation records.
    /// @param policy Who may attest under it.
    /// @param defaultValidity Seconds an attestation stays valid when its request has no expiry (0 = forever).
    /// @param registeredAt When it was registered.
    /// @param deprecatedAt When it was deprecated (0 = current); new attestations are then refused.
    /// @param replacement The schema that supersedes it (0 = none).
    struct Schema {
        uint16 index;
        AttestationPolicy policy;
        uint40 defaultValidity;
        uint40 registeredAt;
        uint40 deprecatedAt;
        bytes32 replacement;
    }

    /// @notice A single attestation's on-chain record, decoded.
    /// @param signer Key that signed it (its organisation is `IFederation.keyRecord(signer).org`).
    /// @param time When it was recorded.
    /// @param expiry Effective expiry (0 = never).
    /// @param schema Schema id.
    /// @param revoked True once its attester revoked it.
    struct Attestation {
        address signer;
        uint40 time;
        uint40 expiry;
        bytes32 schema;
        bool revoked;
    }

    /// @notice A certifier's endorsement of a single attestation.
    /// @param signer Certifier key that endorsed (zero = none).
    /// @param time When it endorsed.
    /// @param withdrawn True once the certifier withdrew it.
    struct Endorsement {
        address signer;
        uint40 time;
        bool withdrawn;
    }

    /// @notice An anchored Merkle batch.
    /// @param anchorer Relayer or organisation key that anchored the root (zero = unknown root).
    /// @param time When it was anchored; leaves are judged at this time.
    /// @param count Number of leaves the anchorer declared.
    struct Batch {
        address anchorer;
        uint40 time;
        uint32 count;
    }

    /// @notice A Merkle batch signed once over its root by an organisation key (`SignedBatch` typed data).
    /// @param signer Organisation key (EOA or ERC-1271 wallet) that signed the root (zero = unknown root).
    /// @param time When it was anchored; leaves are judged at this time.
    /// @param count Number of leaves the signer declared.
    struct SignedBatch {
        address signer;
        uint40 time;
        uint32 count;
    }

    /// @notice A schema was registered.
    /// @param schema Schema id = keccak256(abi.encodePacked(keccak256("fontaine.schema.v1"), definition)).
    /// @param index Its 1-based index.
    /// @param policy Who may attest.
    /// @param defaultValidity Default validity in seconds (0 = forever).
    /// @param definition Canonical JSON (RFC 8785, UTF-8) of the schema definition.
    event SchemaRegistered(
        bytes32 indexed schema,
        uint16 index,
        AttestationPolicy policy,
        uint40 defaultValidity,
        bytes definition
    );

    /// @notice A schema was deprecated; existing attestations keep their meaning, new ones are refused.
    /// @param schema Deprecated schema id.
    /// @param replacement Schema that supersedes it (0 = none).
    event SchemaDeprecated(bytes32 indexed schema, bytes32 indexed replacement);

    /// @notice An attestation was recorded.
    /// @param uid Its uid.
    /// @param subject Organisation id or lot id it is about.
    /// @param digest Claim or file digest (look documents up by this topic with `eth_getLogs`).
    /// @param schema Schema id.
    /// @param attester Organisation of the signer.
    /// @param signer Key that signed.
    /// @param expiry Requested expiry (part of the uid).
    /// @param ref Related attestation uid (0 = none).
    /// @param nonce Signer's nonce (part of the uid).
    /// @param expiresAt Effective expiry after applying the schema's default validity (0 = never).
    event Attested(
        bytes32 indexed uid,
        bytes32 indexed subject,
        bytes32 indexed digest,
        bytes32 schema,
        bytes32 attester,
        address signer,
        uint64 expiry,
        bytes32 ref,
        uint256 nonce,
        uint40 expiresAt
    );

    /// @notice A certifier endorsed an attestation.
    /// @param uid Attestation uid.
    /// @param certifier Certifier organisation.
    /// @param signer Certifier key that endorsed.
    event Endorsed(bytes32 indexed uid, bytes32 indexed certifier, address signer);

    /// @notice A certifier withdrew its endorsement.
    /// @param uid Attestation uid.
    /// @param certifier Certifier organisation.
    /// @param reason Reason code.
    event EndorsementWithdrawn(bytes32 indexed uid, bytes32 indexed certifier, bytes32 reason);

    /// @notice The attesting organisation revoked an attestation (final).
    /// @param uid Attestation uid.
    /// @param attester Attesting organisation.
    /// @param reason Reason code.
    event Revoked(bytes32 indexed uid, bytes32 indexed attester, bytes32 reason);

    /// @notice The governor suspended an attestation or batch leaf pending a dispute (reversible).
    /// @param uid Attestation uid.
    /// @param reason Reason code.
    event Suspended(bytes32 indexed uid, bytes32 reason);

    /// @notice The governor lifted a suspension.
    /// @param uid Attestation uid.
    /// @param reason Reason code.
    event SuspensionLifted(bytes32 indexed uid, bytes32 reason);

    /// @notice A Merkle root of signed attestations was anchored.
    /// @param root Merkle root (StandardMerkleTree).
    /// @param anchorer Relayer or organisation key that anchored it.
    /// @param count Number of leaves declared.
    event BatchAnchored(bytes32 indexed root, address indexed anchorer, uint32 count);

    /// @notice A Merkle root of attestation requests, signed once by an organisation key, was anchored.
    /// @param root Merkle root (StandardMerkleTree over signed batch leaves).
    /// @param attester Organisation of the signer.
    /// @param signer Key that signed the root.
    /// @param count Number of leaves declared.
    /// @param nonce Signer's nonce (consumed).
    event SignedBatchAnchored(
        bytes32 indexed root,
        bytes32 indexed attester,
        address indexed signer,
        uint32 count,
        uint256 nonce
    );

    /// @notice The attesting organisation revoked one leaf of a batch (final).
    /// @param root Merkle root.
    /// @param leaf Leaf hash.
    /// @param attester Attesting organisation.
    /// @param reason Reason code.
    event LeafRevoked(bytes32 indexed root, bytes32 indexed leaf, bytes32 indexed attester, bytes32 reason);

    /// @notice The schema id is already registered.
    /// @param schema Schema id.
    error SchemaExists(bytes32 schema);

    /// @notice No schema has this id.
    /// @param schema Schema id.
    error UnknownSchema(bytes32 schema);

    /// @notice The schema is deprecated; attest under its replacement.
    /// @param schema Deprecated schema id.
    /// @param replacement Its replacement (0 = none).
    error SchemaIsDeprecated(bytes32 schema, bytes32 replacement);

    /// @notice The policy is NONE or out of range.
    error InvalidPolicy();

    /// @notice The registry holds the maximum number of schemas (32767).
    error TooManySchemas();

    /// @notice The default validity is longer than 1000 years.
    /// @param defaultValidity The rejected validity in seconds.
    error InvalidValidity(uint40 defaultValidity);

    /// @notice The replacement schema is unknown or the schema itself.
    /// @param replacement The rejected replacement.
    error InvalidReplacement(bytes32 replacement);

    /// @notice An attestation with this uid already exists (replay or duplicate).
    /// @param uid The uid.
    error AlreadyAttested(bytes32 uid);

    /// @notice No single attestation has this uid.
    /// @param uid The uid.
    error UnknownAttestation(bytes32 uid);

    /// @notice The expiry is in the past or beyond uint40.
    /// @param expiry The rejected expiry.
    error InvalidExpiry(uint64 expiry);

    /// @notice The schema only accepts attestations by accredited certifiers.
    /// @param org The signer's organisation.
    /// @param schema Schema id.
    error SelfDeclarationNotAllowed(bytes32 org, bytes32 schema);

    /// @notice Only the attesting organisation may do this.
    /// @param uid Attestation uid.
    /// @param org The caller's organisation.
    error NotAttester(bytes32 uid, bytes32 org);

    /// @notice The attestation is already revoked.
    /// @param uid Attestation uid.
    error AlreadyRevoked(bytes32 uid);

    /// @notice The attestation already carries a live endorsement.
    /// @param uid Attestation uid.
    error AlreadyEndorsed(bytes32 uid);

    /// @notice A certifier cannot endorse its own organisation's attestation.
    /// @param uid Attestation uid.
    error SelfEndorsement(bytes32 uid);

    /// @notice The attestation has no live endorsement.
    /// @param uid Attestation uid.
    error NotEndorsed(bytes32 uid);

    /// @notice Only the endorsing certifier may withdraw the endorsement.
    /// @param uid Attestation uid.
    /// @param org The caller's organisation.
    error NotEndorser(bytes32 uid, bytes32 org);

    /// @notice The uid is already suspended.
    /// @param uid The uid.
    error AlreadySuspended(bytes32 uid);

    /// @notice The uid is not suspended.
    /// @param uid The uid.
    error NotSuspended(bytes32 uid);

    /// @notice The root is already anchored.
    /// @param root Merkle root.
    error BatchExists(bytes32 root);

    /// @notice The root was never anchored.
    /// @param root Merkle root.
    error UnknownBatch(bytes32 root);

    /// @notice Only a relayer or a valid organisation key may anchor batches.
    /// @param caller The caller.
    error NotAnchorer(address caller);

    /// @notice The Merkle proof does not lead to the root.
    error InvalidProof();

    /// @notice The leaf is already revoked.
    /// @param leaf Leaf hash.
    error LeafAlreadyRevoked(bytes32 leaf);

    /// @notice The Federation this registry reads organisations, keys, roles and accreditations from.
    /// @return The Federation contract.
    function federation() external view returns (IFederation);

    /// @notice Register a schema (governor only).
    /// @param definition Canonical JSON (RFC 8785, UTF-8) of the definition: fields, FR/NL/EN labels, policy, validity.
    /// @param policy Who may attest (must match the definition; checked off chain by the sdk).
    /// @param defaultValidity Default validity in seconds (0 = forever).
    /// @return schema The schema id.
    function registerSchema(
        bytes calldata definition,
        AttestationPolicy policy,
        uint40 defaultValidity
    ) external returns (bytes32 schema);

    /// @notice Deprecate a schema in favour of another (governor only).
    /// @param schema Schema to deprecate.
    /// @param replacement Registered schema that supersedes it (0 = none).
    function deprecateSchema(bytes32 schema, bytes32 replacement) external;

    /// @notice Record an attestation signed by the caller (a valid organisation key).
    /// @param request What to attest.
    /// @return uid The attestation uid.
    function attest(AttestationRequest calldata request) external returns (bytes32 uid);

    /// @notice Record an attestation signed off chain (`Attest` typed data) by `signer`; anyone may submit it.
    /// @param request What was signed.
    /// @param signer The signing key (EOA or ERC-1271 wallet).
    /// @param deadline Last second the signature may be submitted.
    /// @param signature 65-byte ECDSA signature (low s) or ERC-1271 signature.
    /// @return uid The attestation uid.
    function attestBySig(
        AttestationRequest calldata request,
        address signer,
        uint64 deadline,
        bytes calldata signature
    ) external returns (bytes32 uid);

    /// @notice Endorse an attestation as an accredited certifier (caller is a certifier key).
    /// @param uid Attestation uid.
    function endorse(bytes32 uid) external;

    /// @notice Endorse an attestation with an `Endorse` signature by a certifier key; anyone may submit it.
    /// @param uid Attestation uid.
    /// @param nonce Signer's nonce (consumed).
    /// @param deadline Last second the signature may be submitted.
    /// @param signer The certifier key.
    /// @param signature Its signature.
    function endorseBySig(
        bytes32 uid,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external;

    /// @notice Withdraw the caller's organisation's endorsement.
    /// @param uid Attestation uid.
    /// @param reason Reason code.
    function withdrawEndorsement(bytes32 uid, bytes32 reason) external;

    /// @notice Revoke an attestation of the caller's organisation (final).
    /// @param uid Attestation uid.
    /// @param reason Reason code.
    function revoke(bytes32 uid, bytes32 reason) external;

    /// @notice Revoke with a `Revoke` signature by a key of the attesting organisation; anyone may submit it.
    /// @param uid Attestation uid.
    /// @param reason Reason code.
    /// @param nonce Signer's nonce (consumed).
    /// @param deadline Last second the signature may be submitted.
    /// @param signer The key.
    /// @param signature Its signature.
    function revokeBySig(
        bytes32 uid,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external;

    /// @notice Suspend an attestation or a batch leaf's uid pending a dispute (governor only; reversible).
    /// @param uid Attestation uid (not checked for existence: batch leaves are only known with a proof).
    /// @param reason Reason code.
    function suspend(bytes32 uid, bytes32 reason) external;

    /// @notice Lift a suspension (governor only).
    /// @param uid Attestation uid.
    /// @param reason Reason code.
    function liftSuspension(bytes32 uid, bytes32 reason) external;

    /// @notice Anchor the root of a Merkle batch of signed attestations (relayer or valid organisation key).
    /// @param root StandardMerkleTree root over leaves ["bytes32 attestTypedDataDigest", "address signer"].
    /// @param count Number of leaves.
    function anchorBatch(bytes32 root, uint32 count) external;

    /// @notice Revoke one leaf of an anchored batch (caller is a key of the signer's organisation; final).
    /// @param root Merkle root.
    /// @param attestDigest EIP-712 digest of the leaf's `Attest` message.
    /// @param signer The leaf's signer.
    /// @param proof Merkle proof of the leaf.
    /// @param reason Reason code.
    function revokeLeaf(
        bytes32 root,
        bytes32 attestDigest,
        address signer,
        bytes32[] calldata proof,
        bytes32 reason
    ) external;

    /// @notice Anchor a Merkle root of attestation requests that `signer` signed once (`SignedBatch` typed data);
    /// anyone may submit it. Each leaf is then an attestation by `signer`, judged at this block's time.
    /// @dev The signer must be a valid organisation key now; its nonce is consumed. Certifier-only schemas are
    /// checked per leaf by `signedLeafStatus` (the leaves are not known on chain).
    /// @param root StandardMerkleTree root over signed batch leaves (see the contract's NatSpec).
    /// @param count Number of leaves (non-zero; informative).
    /// @param signer The signing key (EOA or ERC-1271 wallet).
    /// @param nonce Signer's nonce (consumed).
    /// @param deadline Last second the signature may be submitted.
    /// @param signature 65-byte ECDSA signature (low s) or ERC-1271 signature.
    function anchorSignedBatch(
        bytes32 root,
        uint32 count,
        address signer,
        uint256 nonce,
        uint64 deadline,
        bytes calldata signature
    ) external;

    /// @notice Revoke one leaf of a signed batch (caller is a key of the batch signer's organisation; final).
    /// @param root Merkle root of the signed batch.
    /// @param request The leaf's attestation request.
    /// @param proof Merkle proof of the leaf.
    /// @param reason Reason code.
    function revokeSignedLeaf(
        bytes32 root,
        AttestationRequest calldata request,
        bytes32[] calldata proof,
        bytes32 reason
    ) external;

    /// @notice Revoke one leaf of a signed batch with a `RevokeSignedLeaf` signature by a key of the batch signer's
    /// organisation; anyone may submit it.
    /// @param root Merkle root of the signed batch.
    /// @param request The leaf's attestation request (its uid, with the batch's signer, is what was signed).
    /// @param proof Merkle proof of the leaf.
    /// @param reason Reason code.
    /// @param nonce Signer's nonce (consumed).
    /// @param deadline Last second the signature may be submitted.
    /// @param signer The revoking key.
    /// @param signature Its signature.
    function revokeSignedLeafBySig(
        bytes32 root,
        AttestationRequest calldata request,
        bytes32[] calldata proof,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external;

    /// @notice A schema's record.
    /// @param schema Schema id.
    /// @return The record (index 0 = unknown).
    function schemaOf(bytes32 schema) external view returns (Schema memory);

    /// @notice A single attestation's record.
    /// @param uid Attestation uid.
    /// @return The record (signer zero = unknown).
    function attestation(bytes32 uid) external view returns (Attestation memory);

    /// @notice An attestation's endorsement.
    /// @param uid Attestation uid.
    /// @return The endorsement (signer zero = none).
    function endorsement(bytes32 uid) external view returns (Endorsement memory);

    /// @notice A batch's record.
    /// @param root Merkle root.
    /// @return The record (anchorer zero = unknown).
    function batch(bytes32 root) external view returns (Batch memory);

    /// @notice A signed batch's record.
    /// @param root Merkle root.
    /// @return The record (signer zero = unknown).
    function signedBatch(bytes32 root) external view returns (SignedBatch memory);

    /// @notice Whether the governor suspended `uid`.
    /// @param uid Attestation uid.
    /// @return True while suspended.
    function isSuspended(bytes32 uid) external view returns (bool);

    /// @notice Whether a batch leaf was revoked.
    /// @param leaf Leaf hash.
    /// @return True once revoked.
    function isLeafRevoked(bytes32 leaf) external view returns (bool);

    /// @notice The status of a single attestation now, and whether a live endorsement exists.
    /// @dev Endorsed = endorsed by a certifier accredited for the schema at endorsement time, not withdrawn by
    /// either, its key not compromised at endorsement time, its organisation active.
    /// @param uid Attestation uid.
    /// @return status VALID, EXPIRED, REVOKED, SUSPENDED, KEY_COMPROMISED or UNKNOWN.
    /// @return endorsed Whether a live endorsement exists.
    function statusOf(bytes32 uid) external view returns (Status status, bool endorsed);

    /// @notice The status of a batch leaf now, judged at its batch's anchoring time.
    /// @dev UNKNOWN when the root is not anchored, the proof or signature fails, the deadline was passed at
    /// anchoring, or the key, schema or policy did not allow the attestation at anchoring time.
    /// @param root Merkle root.
    /// @param request The signed attestation.
    /// @param signer Its signer.
    /// @param deadline Its signed deadline.
    /// @param signature Its signature.
    /// @param proof Merkle proof of its leaf.
    /// @return status VALID, EXPIRED, REVOKED, SUSPENDED, KEY_COMPROMISED or UNKNOWN.
    function leafStatus(
        bytes32 root,
        AttestationRequest calldata request,
        address signer,
        uint64 deadline,
        bytes calldata signature,
        bytes32[] calldata proof
    ) external view returns (Status status);

    /// @notice The status of a leaf of a signed batch now, judged at the batch's anchoring time with the batch's
    /// signer as attester; the leaf's uid is `attestationUid(request, signer)` (suspensions apply to it).
    /// @dev UNKNOWN when the root is not a signed batch, the proof fails, or the key, schema or policy did not allow
    /// the attestation at anchoring time (same rules as `leafStatus`).
    /// @param root Merkle root.
    /// @param request The leaf's attestation request.
    /// @param proof Merkle proof of its leaf.
    /// @return status VALID, EXPIRED, REVOKED, SUSPENDED, KEY_COMPROMISED or UNKNOWN.
    function signedLeafStatus(
        bytes32 root,
        AttestationRequest calldata request,
        bytes32[] calldata proof
    ) external view returns (Status status);
}
