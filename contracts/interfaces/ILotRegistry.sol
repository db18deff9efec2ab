// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {IFederation} from "./IFederation.sol";
import {INonces} from "./INonces.sol";

/// @title LotRegistry: opaque lot commitments, append-only versions, flags for recalls and disputes.
/// @notice A lot id is an opaque random 32-byte id; a commitment is the salted digest of the private lot record
/// (owner, product, quantity, parent lots with the quantities taken, attestation uids) kept in its owner's store.
/// The first commit makes the signer's organisation the owner; only its keys append versions. Nothing here links one
/// organisation's lot to another's: parent lots live only inside the salted, private record.
/// @dev EIP-712 domain: name "Fontaine LotRegistry", version "1". Type strings:
/// `Commit(bytes32 lotId,bytes32 commitment,uint256 nonce,uint64 deadline)` and
/// `Flag(bytes32 lotId,bytes32 reason,uint256 nonce,uint64 deadline)`.
interface ILotRegistry is INonces {
    /// @notice A lot's on-chain record.
    /// @param owner Owner organisation (zero = unknown lot).
    /// @param versions Number of commitments so far (the latest version number).
    /// @param flagged True while flagged (recall or dispute).
    /// @param updatedAt Time of the latest commitment.
    struct Lot {
        bytes32 owner;
        uint32 versions;
        bool flagged;
        uint40 updatedAt;
    }

    /// @notice A lot commitment was recorded.
    /// @param lotId Opaque lot id.
    /// @param owner Owner organisation.
    /// @param version Version number, from 1.
    /// @param commitment Salted digest of the private lot record (`sdk/hashing.ts` `lotCommitment`).
    /// @param signer Key that signed it.
    event LotCommitted(
        bytes32 indexed lotId,
        bytes32 indexed owner,
        uint32 version,
        bytes32 commitment,
        address signer
    );

    /// @notice A lot was flagged (recall or dispute).
    /// @param lotId Lot id.
    /// @param by Account that flagged it (an owner key or the governor).
    /// @param reason Reason code.
    event LotFlagged(bytes32 indexed lotId, address indexed by, bytes32 reason);

    /// @notice The governor cleared a lot's flag.
    /// @param lotId Lot id.
    /// @param reason Reason code.
    event LotUnflagged(bytes32 indexed lotId, bytes32 reason);

    /// @notice No lot has this id.
    /// @param lotId Lot id.
    error UnknownLot(bytes32 lotId);

    /// @notice Only the owner organisation may do this.
    /// @param lotId Lot id.
    /// @param org The caller's organisation.
    error NotLotOwner(bytes32 lotId, bytes32 org);

    /// @notice Certifiers do not own lots; only suppliers and members commit them.
    /// @param org The signer's organisation.
    error CannotOwnLots(bytes32 org);

    /// @notice The lot is already flagged.
    /// @param lotId Lot id.
    error LotAlreadyFlagged(bytes32 lotId);

    /// @notice The lot is not flagged.
    /// @param lotId Lot id.
    error LotNotFlagged(bytes32 lotId);

    /// @notice The Federation this registry reads organisations, keys and roles from.
    /// @return The Federation contract.
    function federation() external view returns (IFederation);

    /// @notice Commit a lot version signed by the caller (a valid supplier or member key).
    /// @param lotId Opaque lot id (non-zero).
    /// @param commitment Salted record digest (non-zero).
    /// @return version The new version number.
    function commit(bytes32 lotId, bytes32 commitment) external returns (uint32 version);

    /// @notice Commit a lot version with a `Commit` signature; anyone may submit it.
    /// @param lotId Opaque lot id (non-zero).
    /// @param commitment Salted record digest (non-zero).
    /// @param nonce Signer's nonce (consumed).
    /// @param deadline Last second the signature may be submitted.
    /// @param signer The key.
    /// @param signature Its signature.
    /// @return version The new version number.
    function commitBySig(
        bytes32 lotId,
        bytes32 commitment,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external returns (uint32 version);

    /// @notice Flag a lot (a key of its owner organisation, or the governor).
    /// @param lotId Lot id.
    /// @param reason Reason code.
    function flag(bytes32 lotId, bytes32 reason) external;

    /// @notice Flag a lot with a `Flag` signature of a key of its owner organisation; anyone (a relayer) may submit it.
    /// @dev Same authority as `flag` for owner keys: a key inside its validity interval and not compromised, even while
    /// its organisation is suspended (a protective action). The governor flags with `flag` directly.
    /// @param lotId Lot id.
    /// @param reason Reason code.
    /// @param nonce Signer's nonce (consumed).
    /// @param deadline Last second the signature may be submitted.
    /// @param signer The key.
    /// @param signature Its signature.
    function flagBySig(
        bytes32 lotId,
        bytes32 reason,
        uint256 nonce,
        uint64 deadline,
        address signer,
        bytes calldata signature
    ) external;

    /// @notice Clear a lot's flag (governor only).
    /// @param lotId Lot id.
    /// @param reason Reason code.
    function unflag(bytes32 lotId, bytes32 reason) external;

    /// @notice A lot's record.
    /// @param lotId Lot id.
    /// @return The record (owner zero = unknown).
    function lot(bytes32 lotId) external view returns (Lot memory);
}
