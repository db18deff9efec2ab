// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {IFederation} from "./interfaces/IFederation.sol";
import {ILotRegistry} from "./interfaces/ILotRegistry.sol";
import {OrgKind, Signer, ZeroValue} from "./Common.sol";
import {Hashing} from "./libraries/Hashing.sol";
import {FederationClient} from "./utils/FederationClient.sol";
import {SignedRequests} from "./utils/SignedRequests.sol";

/// @title LotRegistry
/// @notice Opaque lot commitments with append-only versions, and flags for recalls and disputes.
contract LotRegistry is ILotRegistry, SignedRequests, FederationClient {
    mapping(bytes32 lotId => Lot record) private _lots;

    /// @param federation_ The Federation to read organisations, keys and roles from.
    constructor(IFederation federation_) SignedRequests("Fontaine LotRegistry", "1") FederationClient(federation_) {}

    /// @inheritdoc ILotRegistry
    function federation() external view returns (IFederation) {
        return _federation;
    }

    /// @inheritdoc ILotRegistry
    function commit(bytes32 lotId, bytes32 commitment) external returns (uint32 version) {
        return _commit(lotId, commitment, msg.sender);
    }

    /// @inheritdoc ILotRegistry
    function commitBySig(
        bytes32 lotId,
        bytes32 commitment,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external returns (uint32 version) {
        _checkDeadline(deadline);
        bytes32 digest = _hashTypedDataV4(Hashing.commitStructHash(lotId, commitment, nonce, deadline));
        _requireValidSignature(signer, digest, signature);
        version = _commit(lotId, commitment, signer);
        _useNonce(signer, nonce);
    }

    /// @inheritdoc ILotRegistry
    function flag(bytes32 lotId, bytes32 reason) external {
        Lot storage record = _requireFlaggable(lotId);
        if (!_isGovernor(msg.sender)) _requireOwnerKey(record, lotId, msg.sender);
        record.flagged = true;
        emit LotFlagged(lotId, msg.sender, reason);
    }

    /// @inheritdoc ILotRegistry
    function flagBySig(
        bytes32 lotId,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external {
        _checkDeadline(deadline);
        bytes32 digest = _hashTypedDataV4(Hashing.flagStructHash(lotId, reason, nonce, deadline));
        _requireValidSignature(signer, digest, signature);
        Lot storage record = _requireFlaggable(lotId);
        _requireOwnerKey(record, lotId, signer);
        record.flagged = true;
        emit LotFlagged(lotId, signer, reason);
        _useNonce(signer, nonce);
    }

    /// @inheritdoc ILotRegistry
    function unflag(bytes32 lotId, bytes32 reason) external onlyGovernor {
        Lot storage record = _requireLot(lotId);
        if (!record.flagged) revert LotNotFlagged(lotId);
        record.flagged = false;
        emit LotUnflagged(lotId, reason);
    }

    /// @inheritdoc ILotRegistry
    function lot(bytes32 lotId) external view returns (Lot memory) {
        return _lots[lotId];
    }

    function _commit(bytes32 lotId, bytes32 commitment, address signer) private returns (uint32 version) {
        if (lotId == bytes32(0) || commitment == bytes32(0)) revert ZeroValue();
        Signer memory owner = _requireValidSigner(signer);
        if (owner.kind == OrgKind.CERTIFIER) revert CannotOwnLots(owner.org);
        Lot storage record = _lots[lotId];
        bytes32 currentOwner = record.owner;
        if (currentOwner == bytes32(0)) {
            record.owner = owner.org;
        } else if (currentOwner != owner.org) {
            revert NotLotOwner(lotId, owner.org);
        }
        version = record.versions + 1;
        record.versions = version;
        record.updatedAt = _time();
        emit LotCommitted(lotId, owner.org, version, commitment, signer);
    }

    function _requireLot(bytes32 lotId) private view returns (Lot storage record) {
        record = _lots[lotId];
        if (record.owner == bytes32(0)) revert UnknownLot(lotId);
    }

    function _requireFlaggable(bytes32 lotId) private view returns (Lot storage record) {
        record = _requireLot(lotId);
        if (record.flagged) revert LotAlreadyFlagged(lotId);
    }

    /// @dev A flag needs a protective key (valid, or of a suspended organisation) of the lot's owner organisation.
    function _requireOwnerKey(Lot storage record, bytes32 lotId, address key) private view {
        bytes32 org = _requireProtectiveSigner(key);
        if (record.owner != org) revert NotLotOwner(lotId, org);
    }
}
