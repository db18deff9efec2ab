// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAttestationRegistry} from "./interfaces/IAttestationRegistry.sol";
import {IFederation} from "./interfaces/IFederation.sol";
import {
    AttestationPolicy,
    KeyStatus,
    NonceAlreadyUsed,
    NotAccredited,
    NotCertifier,
    OrgKind,
    Signer,
    Status,
    ZeroValue
} from "./Common.sol";
import {Hashing} from "./libraries/Hashing.sol";
import {FederationClient} from "./utils/FederationClient.sol";
import {SignedRequests} from "./utils/SignedRequests.sol";

/// @title AttestationRegistry
/// @notice Schemas, hashed attestations, endorsements, revocations, suspensions and Merkle batches.
contract AttestationRegistry is IAttestationRegistry, SignedRequests, FederationClient {
    /// @dev Record word layout: signer key (bits 0-159) | time (160-199) | expiry (200-239) |
    /// schema index (240-254) | revoked (255). A non-zero word means the uid exists (the signer is never zero).
    uint256 private constant _TIME_SHIFT = 160;
    uint256 private constant _EXPIRY_SHIFT = 200;
    uint256 private constant _SCHEMA_SHIFT = 240;
    uint256 private constant _SCHEMA_MASK = 0x7fff;
    uint256 private constant _REVOKED_BIT = 1 << 255;
    uint256 private constant _UINT40_MASK = 0xffffffffff;

    /// @dev Longest default validity a schema may declare (1000 years), so expiries always fit in uint40.
    uint40 private constant _MAX_VALIDITY = 1000 * 365 days;

    /// @dev What a verdict is computed from, besides the signer's state.
    struct Facts {
        bool revoked;
        bool suspended;
        bytes32 certifierSchema;
        uint40 attestedAt;
        uint40 expiresAt;
    }

    mapping(bytes32 uid => uint256 record) private _records;
    mapping(bytes32 schema => Schema record) private _schemas;
    bytes32[] private _schemaIds;
    mapping(bytes32 uid => Endorsement record) private _endorsements;
    mapping(bytes32 uid => bool suspended) private _suspended;
    mapping(bytes32 root => Batch record) private _batches;
    mapping(bytes32 leaf => bool revoked) private _revokedLeaves;
    mapping(bytes32 root => SignedBatch record) private _signedBatches;

    /// @param federation_ The Federation to read organisations, keys, roles and accreditations from.
    constructor(
        IFederation federation_
    ) SignedRequests("Fontaine AttestationRegistry", "1") FederationClient(federation_) {}

    /// @inheritdoc IAttestationRegistry
    function federation() external view returns (IFederation) {
        return _federation;
    }

    // ---------------------------------------------------------------- schemas

    /// @inheritdoc IAttestationRegistry
    function registerSchema(
        bytes calldata definition,
        AttestationPolicy policy,
        uint40 defaultValidity
    ) external onlyGovernor returns (bytes32 schema) {
        if (definition.length == 0) revert ZeroValue();
        if (policy == AttestationPolicy.NONE) revert InvalidPolicy();
        if (defaultValidity > _MAX_VALIDITY) revert InvalidValidity(defaultValidity);
        schema = Hashing.schemaId(definition);
        if (_schemas[schema].index != 0) revert SchemaExists(schema);
        if (_schemaIds.length >= _maxSchemas()) revert TooManySchemas();
        _schemaIds.push(schema);
        uint16 index = uint16(_schemaIds.length);
        _schemas[schema] = Schema({
            index: index,
            policy: policy,
            defaultValidity: defaultValidity,
            registeredAt: _time(),
            deprecatedAt: 0,
            replacement: bytes32(0)
        });
        emit SchemaRegistered(schema, index, policy, defaultValidity, definition);
    }

    /// @inheritdoc IAttestationRegistry
    function deprecateSchema(bytes32 schema, bytes32 replacement) external onlyGovernor {
        Schema storage record = _schemas[schema];
        if (record.index == 0) revert UnknownSchema(schema);
        if (record.deprecatedAt != 0) revert SchemaIsDeprecated(schema, record.replacement);
        if (replacement != bytes32(0) && (replacement == schema || _schemas[replacement].index == 0)) {
            revert InvalidReplacement(replacement);
        }
        record.deprecatedAt = _time();
        record.replacement = replacement;
        emit SchemaDeprecated(schema, replacement);
    }

    // ---------------------------------------------------------------- attesting

    /// @inheritdoc IAttestationRegistry
    function attest(AttestationRequest calldata request) external returns (bytes32 uid) {
        return _attest(request, msg.sender);
    }

    /// @inheritdoc IAttestationRegistry
    function attestBySig(
        AttestationRequest calldata request,
        address signer,
        uint64 deadline,
        bytes calldata signature
    ) external returns (bytes32 uid) {
        _checkDeadline(deadline);
        _requireValidSignature(signer, _attestDigest(request, deadline), signature);
        // Attestation nonces are not written: the uid includes the nonce and its record is the use-once guard.
        // Reading the bitmap still lets a signer void a handed-out signature with cancelNonce.
        if (isNonceUsed(signer, request.nonce)) revert NonceAlreadyUsed(signer, request.nonce);
        return _attest(request, signer);
    }

    function _attest(AttestationRequest calldata request, address signer) private returns (bytes32 uid) {
        Schema storage schema = _schemas[request.schema];
        uint16 index = schema.index;
        if (index == 0) revert UnknownSchema(request.schema);
        if (schema.deprecatedAt != 0) revert SchemaIsDeprecated(request.schema, schema.replacement);
        uint40 now_ = _time();
        Signer memory attester = _requireValidSigner(signer);
        if (schema.policy == AttestationPolicy.ACCREDITED_CERTIFIER) {
            _requireAccreditedCertifier(attester, request.schema, now_);
        }
        uint40 expiresAt = _expiresAt(request.expiry, schema.defaultValidity, now_);
        if (request.ref != bytes32(0) && _records[request.ref] == 0) revert UnknownAttestation(request.ref);

        uid = _uid(request, signer);
        if (_records[uid] != 0) revert AlreadyAttested(uid);
        _records[uid] =
            uint256(uint160(signer)) |
            (uint256(now_) << _TIME_SHIFT) |
            (uint256(expiresAt) << _EXPIRY_SHIFT) |
            (uint256(index) << _SCHEMA_SHIFT);
        _emitAttested(uid, request, attester.org, signer, expiresAt);
    }

    function _emitAttested(
        bytes32 uid,
        AttestationRequest calldata request,
        bytes32 org,
        address signer,
        uint40 expiresAt
    ) private {
        emit Attested(
            uid,
            request.subject,
            request.digest,
            request.schema,
            org,
            signer,
            request.expiry,
            request.ref,
            request.nonce,
            expiresAt
        );
    }

    // ---------------------------------------------------------------- endorsing

    /// @inheritdoc IAttestationRegistry
    function endorse(bytes32 uid) external {
        _endorse(uid, msg.sender);
    }

    /// @inheritdoc IAttestationRegistry
    function endorseBySig(
        bytes32 uid,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external {
        _checkDeadline(deadline);
        _requireValidSignature(signer, _hashTypedDataV4(Hashing.endorseStructHash(uid, nonce, deadline)), signature);
        _endorse(uid, signer);
        _useNonce(signer, nonce);
    }

    function _endorse(bytes32 uid, address signer) private {
        uint256 record = _requireRecord(uid);
        if (record & _REVOKED_BIT != 0) revert AlreadyRevoked(uid);
        Endorsement storage current = _endorsements[uid];
        if (current.signer != address(0) && !current.withdrawn) revert AlreadyEndorsed(uid);
        uint40 now_ = _time();
        Signer memory certifier = _requireValidSigner(signer);
        _requireAccreditedCertifier(certifier, _schemaOfRecord(record), now_);
        if (_federation.keyRecord(address(uint160(record))).org == certifier.org) revert SelfEndorsement(uid);
        _endorsements[uid] = Endorsement({signer: signer, time: now_, withdrawn: false});
        emit Endorsed(uid, certifier.org, signer);
    }

    /// @inheritdoc IAttestationRegistry
    function withdrawEndorsement(bytes32 uid, bytes32 reason) external {
        Endorsement storage current = _endorsements[uid];
        address endorser = current.signer;
        if (endorser == address(0) || current.withdrawn) revert NotEndorsed(uid);
        bytes32 org = _requireProtectiveSigner(msg.sender);
        if (_federation.keyRecord(endorser).org != org) revert NotEndorser(uid, org);
        current.withdrawn = true;
        emit EndorsementWithdrawn(uid, org, reason);
    }

    // ---------------------------------------------------------------- revoking and suspending

    /// @inheritdoc IAttestationRegistry
    function revoke(bytes32 uid, bytes32 reason) external {
        _revoke(uid, reason, msg.sender);
    }

    /// @inheritdoc IAttestationRegistry
    function revokeBySig(
        bytes32 uid,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external {
        _checkDeadline(deadline);
        bytes32 digest = _hashTypedDataV4(Hashing.revokeStructHash(uid, reason, nonce, deadline));
        _requireValidSignature(signer, digest, signature);
        _revoke(uid, reason, signer);
        _useNonce(signer, nonce);
    }

    function _revoke(bytes32 uid, bytes32 reason, address signer) private {
        uint256 record = _requireRecord(uid);
        if (record & _REVOKED_BIT != 0) revert AlreadyRevoked(uid);
        bytes32 org = _requireProtectiveSigner(signer);
        if (_federation.keyRecord(address(uint160(record))).org != org) revert NotAttester(uid, org);
        _records[uid] = record | _REVOKED_BIT;
        emit Revoked(uid, org, reason);
    }

    /// @inheritdoc IAttestationRegistry
    function suspend(bytes32 uid, bytes32 reason) external onlyGovernor {
        if (uid == bytes32(0)) revert ZeroValue();
        if (_suspended[uid]) revert AlreadySuspended(uid);
        _suspended[uid] = true;
        emit Suspended(uid, reason);
    }

    /// @inheritdoc IAttestationRegistry
    function liftSuspension(bytes32 uid, bytes32 reason) external onlyGovernor {
        if (!_suspended[uid]) revert NotSuspended(uid);
        _suspended[uid] = false;
        emit SuspensionLifted(uid, reason);
    }

    // ---------------------------------------------------------------- batches

    /// @inheritdoc IAttestationRegistry
    function anchorBatch(bytes32 root, uint32 count) external {
        if (root == bytes32(0) || count == 0) revert ZeroValue();
        if (
            !_federation.hasRole(RELAYER_ROLE, msg.sender) &&
            _federation.signerAt(msg.sender, _time()).status != KeyStatus.VALID
        ) revert NotAnchorer(msg.sender);
        if (_batches[root].anchorer != address(0)) revert BatchExists(root);
        _batches[root] = Batch({anchorer: msg.sender, time: _time(), count: count});
        emit BatchAnchored(root, msg.sender, count);
    }

    /// @inheritdoc IAttestationRegistry
    function revokeLeaf(
        bytes32 root,
        bytes32 attestDigest,
        address signer,
        bytes32[] calldata proof,
        bytes32 reason
    ) external {
        if (_batches[root].anchorer == address(0)) revert UnknownBatch(root);
        bytes32 leaf = Hashing.batchLeaf(attestDigest, signer);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof();
        if (_revokedLeaves[leaf]) revert LeafAlreadyRevoked(leaf);
        bytes32 org = _requireProtectiveSigner(msg.sender);
        if (_federation.keyRecord(signer).org != org) revert NotAttester(leaf, org);
        _revokedLeaves[leaf] = true;
        emit LeafRevoked(root, leaf, org, reason);
    }

    /// @inheritdoc IAttestationRegistry
    function anchorSignedBatch(
        bytes32 root,
        uint32 count,
        address signer,
        uint256 nonce,
        uint64 deadline,
        bytes calldata signature
    ) external {
        if (root == bytes32(0) || count == 0) revert ZeroValue();
        _checkDeadline(deadline);
        if (_signedBatches[root].signer != address(0)) revert BatchExists(root);
        bytes32 digest = _hashTypedDataV4(Hashing.signedBatchStructHash(root, count, nonce, deadline));
        _requireValidSignature(signer, digest, signature);
        bytes32 org = _requireValidSigner(signer).org;
        _useNonce(signer, nonce);
        _signedBatches[root] = SignedBatch({signer: signer, time: _time(), count: count});
        emit SignedBatchAnchored(root, org, signer, count, nonce);
    }

    /// @inheritdoc IAttestationRegistry
    function revokeSignedLeaf(
        bytes32 root,
        AttestationRequest calldata request,
        bytes32[] calldata proof,
        bytes32 reason
    ) external {
        (, bytes32 leaf, address signer) = _provenSignedLeaf(root, request, proof);
        _revokeSignedLeaf(root, leaf, signer, reason, msg.sender);
    }

    /// @inheritdoc IAttestationRegistry
    function revokeSignedLeafBySig(
        bytes32 root,
        AttestationRequest calldata request,
        bytes32[] calldata proof,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external {
        _checkDeadline(deadline);
        (bytes32 uid, bytes32 leaf, address batchSigner) = _provenSignedLeaf(root, request, proof);
        bytes32 digest = _hashTypedDataV4(Hashing.revokeSignedLeafStructHash(uid, reason, nonce, deadline));
        _requireValidSignature(signer, digest, signature);
        _revokeSignedLeaf(root, leaf, batchSigner, reason, signer);
        _useNonce(signer, nonce);
    }

    /// @dev The uid and leaf of `request` in the signed batch `root`, and the batch's signer; reverts unless proven.
    function _provenSignedLeaf(
        bytes32 root,
        AttestationRequest calldata request,
        bytes32[] calldata proof
    ) private view returns (bytes32 uid, bytes32 leaf, address signer) {
        signer = _signedBatches[root].signer;
        if (signer == address(0)) revert UnknownBatch(root);
        uid = _uid(request, signer);
        leaf = Hashing.signedBatchLeaf(uid);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof();
    }

    function _revokeSignedLeaf(bytes32 root, bytes32 leaf, address batchSigner, bytes32 reason, address key) private {
        if (_revokedLeaves[leaf]) revert LeafAlreadyRevoked(leaf);
        bytes32 org = _requireProtectiveSigner(key);
        if (_federation.keyRecord(batchSigner).org != org) revert NotAttester(leaf, org);
        _revokedLeaves[leaf] = true;
        emit LeafRevoked(root, leaf, org, reason);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAttestationRegistry
    function schemaOf(bytes32 schema) external view returns (Schema memory) {
        return _schemas[schema];
    }

    /// @inheritdoc IAttestationRegistry
    function attestation(bytes32 uid) external view returns (Attestation memory decoded) {
        uint256 record = _records[uid];
        if (record == 0) return decoded;
        decoded = Attestation({
            signer: address(uint160(record)),
            time: uint40(record >> _TIME_SHIFT),
            expiry: uint40(record >> _EXPIRY_SHIFT),
            schema: _schemaOfRecord(record),
            revoked: record & _REVOKED_BIT != 0
        });
    }

    /// @inheritdoc IAttestationRegistry
    function endorsement(bytes32 uid) external view returns (Endorsement memory) {
        return _endorsements[uid];
    }

    /// @inheritdoc IAttestationRegistry
    function batch(bytes32 root) external view returns (Batch memory) {
        return _batches[root];
    }

    /// @inheritdoc IAttestationRegistry
    function signedBatch(bytes32 root) external view returns (SignedBatch memory) {
        return _signedBatches[root];
    }

    /// @inheritdoc IAttestationRegistry
    function isSuspended(bytes32 uid) external view returns (bool) {
        return _suspended[uid];
    }

    /// @inheritdoc IAttestationRegistry
    function isLeafRevoked(bytes32 leaf) external view returns (bool) {
        return _revokedLeaves[leaf];
    }

    /// @inheritdoc IAttestationRegistry
    function statusOf(bytes32 uid) external view returns (Status status, bool endorsed) {
        uint256 record = _records[uid];
        if (record == 0) return (Status.UNKNOWN, false);
        bytes32 schema = _schemaOfRecord(record);
        Facts memory facts = Facts({
            revoked: record & _REVOKED_BIT != 0,
            suspended: _suspended[uid],
            certifierSchema: _schemas[schema].policy == AttestationPolicy.ACCREDITED_CERTIFIER ? schema : bytes32(0),
            attestedAt: uint40(record >> _TIME_SHIFT),
            expiresAt: uint40(record >> _EXPIRY_SHIFT)
        });
        status = _judge(facts, _federation.signerAt(address(uint160(record)), facts.attestedAt));
        endorsed = _isEndorsed(uid, schema);
    }

    /// @inheritdoc IAttestationRegistry
    function leafStatus(
        bytes32 root,
        AttestationRequest calldata request,
        address signer,
        uint64 deadline,
        bytes calldata signature,
        bytes32[] calldata proof
    ) external view returns (Status) {
        uint40 anchoredAt = _batches[root].time;
        if (anchoredAt == 0 || deadline < anchoredAt) return Status.UNKNOWN;
        bytes32 digest = _attestDigest(request, deadline);
        bytes32 leaf = Hashing.batchLeaf(digest, signer);
        if (!MerkleProof.verifyCalldata(proof, root, leaf) || !_isValidSignature(signer, digest, signature)) {
            return Status.UNKNOWN;
        }
        return _leafVerdict(request, signer, leaf, anchoredAt);
    }

    /// @inheritdoc IAttestationRegistry
    function signedLeafStatus(
        bytes32 root,
        AttestationRequest calldata request,
        bytes32[] calldata proof
    ) external view returns (Status) {
        SignedBatch memory record = _signedBatches[root];
        if (record.signer == address(0)) return Status.UNKNOWN;
        bytes32 leaf = Hashing.signedBatchLeaf(_uid(request, record.signer));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) return Status.UNKNOWN;
        return _leafVerdict(request, record.signer, leaf, record.time);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The status of a proven, correctly signed leaf anchored at `anchoredAt`.
    function _leafVerdict(
        AttestationRequest calldata request,
        address signer,
        bytes32 leaf,
        uint40 anchoredAt
    ) private view returns (Status) {
        Schema storage schema = _schemas[request.schema];
        uint40 deprecatedAt = schema.deprecatedAt;
        if (schema.index == 0 || (deprecatedAt != 0 && deprecatedAt <= anchoredAt)) return Status.UNKNOWN;
        if (request.expiry != 0 && (request.expiry <= anchoredAt || request.expiry > _UINT40_MASK)) {
            return Status.UNKNOWN;
        }
        Signer memory attester = _federation.signerAt(signer, anchoredAt);
        if (attester.status == KeyStatus.UNKNOWN || attester.status == KeyStatus.INACTIVE) return Status.UNKNOWN;
        Facts memory facts;
        if (schema.policy == AttestationPolicy.ACCREDITED_CERTIFIER) {
            if (attester.kind != OrgKind.CERTIFIER) return Status.UNKNOWN;
            facts.certifierSchema = request.schema;
        }
        facts.revoked = _revokedLeaves[leaf];
        facts.suspended = _suspended[_uid(request, signer)];
        facts.attestedAt = anchoredAt;
        facts.expiresAt = _expiresAt(request.expiry, schema.defaultValidity, anchoredAt);
        return _judge(facts, attester);
    }

    /// @dev Upper bound on the number of schemas (the record's 15-bit index); overridable for tests.
    function _maxSchemas() internal view virtual returns (uint256) {
        return _SCHEMA_MASK;
    }

    /// @dev The verdict, in precedence order. A recorded attestation is always inside its key's interval, so the
    /// signer's status is VALID, COMPROMISED or ORGANISATION_SUSPENDED here.
    function _judge(Facts memory facts, Signer memory attester) private view returns (Status) {
        if (facts.revoked) return Status.REVOKED;
        if (
            facts.certifierSchema != bytes32(0) &&
            !_federation.isAccreditedAt(attester.org, facts.certifierSchema, facts.attestedAt)
        ) return Status.REVOKED;
        if (attester.status == KeyStatus.COMPROMISED) return Status.KEY_COMPROMISED;
        if (facts.suspended || attester.status == KeyStatus.ORGANISATION_SUSPENDED) return Status.SUSPENDED;
        if (facts.expiresAt != 0 && _time() >= facts.expiresAt) return Status.EXPIRED;
        return Status.VALID;
    }

    /// @dev A live endorsement: not withdrawn, key not compromised at endorsement time, organisation active, and
    /// accredited for the schema at endorsement time with the accreditation never withdrawn.
    function _isEndorsed(bytes32 uid, bytes32 schema) private view returns (bool) {
        Endorsement memory current = _endorsements[uid];
        if (current.signer == address(0) || current.withdrawn) return false;
        Signer memory certifier = _federation.signerAt(current.signer, current.time);
        return certifier.status == KeyStatus.VALID && _federation.isAccreditedAt(certifier.org, schema, current.time);
    }

    /// @dev Reverts unless the signer's organisation is a certifier accredited for `schema` now.
    function _requireAccreditedCertifier(Signer memory signer, bytes32 schema, uint40 now_) private view {
        if (signer.kind != OrgKind.CERTIFIER) revert NotCertifier(signer.org);
        if (!_federation.isAccreditedAt(signer.org, schema, now_)) revert NotAccredited(signer.org, schema);
    }

    /// @dev The effective expiry: the requested one (checked), else now + the schema's default validity, else never.
    function _expiresAt(uint64 requested, uint40 defaultValidity, uint40 now_) private pure returns (uint40) {
        if (requested != 0) {
            if (requested <= now_ || requested > _UINT40_MASK) revert InvalidExpiry(requested);
            return uint40(requested);
        }
        if (defaultValidity == 0) return 0;
        // Cannot overflow: defaultValidity ≤ 1000 years and uint40 seconds reach year 36812.
        unchecked {
            return now_ + defaultValidity;
        }
    }

    function _requireRecord(bytes32 uid) private view returns (uint256 record) {
        record = _records[uid];
        if (record == 0) revert UnknownAttestation(uid);
    }

    function _schemaOfRecord(uint256 record) private view returns (bytes32) {
        return _schemaIds[((record >> _SCHEMA_SHIFT) & _SCHEMA_MASK) - 1];
    }

    function _uid(AttestationRequest calldata request, address signer) private pure returns (bytes32) {
        return
            Hashing.attestationUid(
                request.schema,
                request.subject,
                request.digest,
                signer,
                request.expiry,
                request.ref,
                request.nonce
            );
    }

    function _attestDigest(AttestationRequest calldata request, uint64 deadline) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                Hashing.attestStructHash(
                    request.schema,
                    request.subject,
                    request.digest,
                    request.expiry,
                    request.ref,
                    request.nonce,
                    deadline
                )
            );
    }
}
