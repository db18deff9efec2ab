// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {OrgKind, KeyRecord, Signer} from "../Common.sol";

/// @title Federation: who belongs to FOFAC, which keys sign for whom, who is accredited for what.
/// @notice Application-level permissioning for the Fontaine contracts (it replaces Besu's deprecated on-chain
/// allowlists). A governor (a multisig or timelock in production) admits, suspends and reinstates organisations,
/// registers their signing keys and accredits certifiers per schema. Everything here is public.
/// @dev Roles use OpenZeppelin AccessControl: `GOVERNOR_ROLE` governs, `RELAYER_ROLE` may anchor Merkle batches,
/// `DEFAULT_ADMIN_ROLE` grants and revokes roles.
interface IFederation is IAccessControl {
    /// @notice An organisation's public record.
    /// @param kind Supplier, certifier or member (NONE = never admitted).
    /// @param active False while suspended.
    /// @param admittedAt When it was admitted.
    /// @param metadataDigest Digest of its public metadata document (`sdk/hashing.ts` `metadataDigest`).
    struct Organisation {
        OrgKind kind;
        bool active;
        uint40 admittedAt;
        bytes32 metadataDigest;
    }

    /// @notice A certifier's accreditation for one schema.
    /// @param validFrom When it was granted.
    /// @param validUntil When it lapses (0 = no expiry).
    /// @param withdrawn True once the governor withdrew it; a withdrawn accreditation never counted.
    struct Accreditation {
        uint40 validFrom;
        uint40 validUntil;
        bool withdrawn;
    }

    /// @notice An organisation was admitted.
    /// @param org Organisation id.
    /// @param kind Its kind.
    /// @param metadataDigest Digest of its public metadata.
    event OrganisationAdmitted(bytes32 indexed org, OrgKind kind, bytes32 metadataDigest);

    /// @notice An organisation's metadata digest changed.
    /// @param org Organisation id.
    /// @param metadataDigest New digest.
    event OrganisationMetadataUpdated(bytes32 indexed org, bytes32 metadataDigest);

    /// @notice An organisation was suspended: its keys cannot act and its attestations read SUSPENDED.
    /// @param org Organisation id.
    /// @param reason Reason code (`sdk/hashing.ts` `reasonCode`).
    event OrganisationSuspended(bytes32 indexed org, bytes32 reason);

    /// @notice A suspended organisation was reinstated.
    /// @param org Organisation id.
    event OrganisationReinstated(bytes32 indexed org);

    /// @notice A signing key was registered for an organisation.
    /// @param org Organisation id.
    /// @param key The key's address.
    /// @param validFrom First second it may sign.
    event KeyAdded(bytes32 indexed org, address indexed key, uint40 validFrom);

    /// @notice A key was retired: what it signed before stays valid.
    /// @param org Organisation id.
    /// @param key The key.
    /// @param validUntil First second it may no longer sign.
    event KeyRetired(bytes32 indexed org, address indexed key, uint40 validUntil);

    /// @notice A key was marked compromised: what it signed from `compromisedFrom` on is invalid.
    /// @param org Organisation id.
    /// @param key The key.
    /// @param compromisedFrom First second of the compromise.
    event KeyCompromised(bytes32 indexed org, address indexed key, uint40 compromisedFrom);

    /// @notice A certifier was accredited for a schema.
    /// @param org Certifier organisation id.
    /// @param schema Schema id.
    /// @param validFrom Start of the accreditation.
    /// @param validUntil End of the accreditation (0 = none).
    event AccreditationGranted(bytes32 indexed org, bytes32 indexed schema, uint40 validFrom, uint40 validUntil);

    /// @notice A certifier's accreditation was withdrawn: its endorsements under the schema no longer count.
    /// @param org Certifier organisation id.
    /// @param schema Schema id.
    /// @param reason Reason code.
    event AccreditationWithdrawn(bytes32 indexed org, bytes32 indexed schema, bytes32 reason);

    /// @notice The organisation id is already taken.
    /// @param org Organisation id.
    error OrganisationExists(bytes32 org);

    /// @notice No organisation has this id.
    /// @param org Organisation id.
    error UnknownOrganisation(bytes32 org);

    /// @notice The organisation is already suspended.
    /// @param org Organisation id.
    error OrganisationAlreadySuspended(bytes32 org);

    /// @notice The organisation is not suspended.
    /// @param org Organisation id.
    error OrganisationNotSuspended(bytes32 org);

    /// @notice The kind is NONE or out of range.
    error InvalidKind();

    /// @notice The key is already registered (keys are never reused, even after retirement).
    /// @param key The key.
    error KeyExists(address key);

    /// @notice The key was never registered.
    /// @param key The key.
    error UnknownKey(address key);

    /// @notice The key is already retired.
    /// @param key The key.
    error KeyAlreadyRetired(address key);

    /// @notice The compromise time is zero, in the future, or not earlier than an existing mark.
    /// @param key The key.
    /// @param compromisedFrom The rejected time.
    error InvalidCompromiseTime(address key, uint40 compromisedFrom);

    /// @notice Only the governor or the key itself may do this.
    /// @param caller The caller.
    /// @param key The key concerned.
    error NotGovernorOrKey(address caller, address key);

    /// @notice The accreditation end is not in the future.
    /// @param validUntil The rejected end.
    error InvalidAccreditationEnd(uint40 validUntil);

    /// @notice Role allowed to govern the federation.
    /// @return The role id, `keccak256("GOVERNOR_ROLE")`.
    function GOVERNOR_ROLE() external view returns (bytes32);

    /// @notice Role allowed to anchor Merkle batches on behalf of signers.
    /// @return The role id, `keccak256("RELAYER_ROLE")`.
    function RELAYER_ROLE() external view returns (bytes32);

    /// @notice Admit an organisation (governor only).
    /// @param org New organisation id (non-zero, never used before).
    /// @param kind Supplier, certifier or member.
    /// @param metadataDigest Digest of its public metadata (may be zero).
    function admit(bytes32 org, OrgKind kind, bytes32 metadataDigest) external;

    /// @notice Replace an organisation's metadata digest (governor only).
    /// @param org Organisation id.
    /// @param metadataDigest New digest.
    function setMetadata(bytes32 org, bytes32 metadataDigest) external;

    /// @notice Suspend an organisation (governor only): its keys stop working, its attestations read SUSPENDED.
    /// @param org Organisation id.
    /// @param reason Reason code, recorded in the event.
    function suspend(bytes32 org, bytes32 reason) external;

    /// @notice Reinstate a suspended organisation (governor only).
    /// @param org Organisation id.
    function reinstate(bytes32 org) external;

    /// @notice Register a signing key for an organisation, valid from now (governor only).
    /// @param org Organisation id.
    /// @param key The key's address (an EOA or an ERC-1271 wallet); never registered before.
    function addKey(bytes32 org, address key) external;

    /// @notice Retire a key from now on (governor or the key itself); what it signed before stays valid.
    /// @param key The key.
    function retireKey(address key) external;

    /// @notice Mark a key compromised from `compromisedFrom` (governor or the key itself).
    /// @dev May be called again only to move the mark earlier, so nothing is silently revived.
    /// @param key The key.
    /// @param compromisedFrom First compromised second, not in the future.
    function markCompromised(address key, uint40 compromisedFrom) external;

    /// @notice Accredit a certifier for a schema from now until `validUntil` (governor only).
    /// @dev Replaces any previous accreditation for the pair, withdrawn or not.
    /// @param org Certifier organisation id.
    /// @param schema Schema id.
    /// @param validUntil End of the accreditation (0 = none).
    function accredit(bytes32 org, bytes32 schema, uint40 validUntil) external;

    /// @notice Withdraw a certifier's accreditation for a schema (governor only).
    /// @param org Certifier organisation id.
    /// @param schema Schema id.
    /// @param reason Reason code, recorded in the event.
    function withdrawAccreditation(bytes32 org, bytes32 schema, bytes32 reason) external;

    /// @notice An organisation's record.
    /// @param org Organisation id.
    /// @return The record (kind NONE when unknown).
    function organisation(bytes32 org) external view returns (Organisation memory);

    /// @notice A key's registration.
    /// @param key The key.
    /// @return The record (org zero when unknown).
    function keyRecord(address key) external view returns (KeyRecord memory);

    /// @notice A certifier's accreditation for a schema.
    /// @param org Certifier organisation id.
    /// @param schema Schema id.
    /// @return The accreditation (all zero when never granted).
    function accreditation(bytes32 org, bytes32 schema) external view returns (Accreditation memory);

    /// @notice The organisation, its kind and the key's status at `time`.
    /// @dev Organisation suspension is read as of now; the key's interval and compromise as of `time`.
    /// @param key The key.
    /// @param time Unix seconds.
    /// @return The signer's organisation, kind and status.
    function signerAt(address key, uint256 time) external view returns (Signer memory);

    /// @notice Was `key` a valid key of `org` at `time` (registered for it, inside its interval, not compromised)?
    /// @param org Organisation id.
    /// @param key The key.
    /// @param time Unix seconds.
    /// @return True when it was.
    function isKeyValidAt(bytes32 org, address key, uint256 time) external view returns (bool);

    /// @notice Was certifier `org` accredited for `schema` at `time` (and never withdrawn since)?
    /// @param org Certifier organisation id.
    /// @param schema Schema id.
    /// @param time Unix seconds.
    /// @return True when it was.
    function isAccreditedAt(bytes32 org, bytes32 schema, uint256 time) external view returns (bool);
}
