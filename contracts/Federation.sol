// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IFederation} from "./interfaces/IFederation.sol";
import {KeyRecord, KeyStatus, NotAccredited, NotCertifier, OrgKind, Signer, ZeroValue} from "./Common.sol";
import {Clock} from "./utils/Clock.sol";

/// @title Federation
/// @notice FOFAC's registry of organisations, signing keys, roles and certifier accreditations.
contract Federation is IFederation, AccessControl, Clock {
    /// @inheritdoc IFederation
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @inheritdoc IFederation
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");

    mapping(bytes32 org => Organisation organisation) private _organisations;
    mapping(address key => KeyRecord record) private _keys;
    mapping(bytes32 org => mapping(bytes32 schema => Accreditation accreditation)) private _accreditations;

    /// @param admin Account that receives the admin and governor roles (the deployer, a multisig or a timelock).
    constructor(address admin) {
        if (admin == address(0)) revert ZeroValue();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
    }

    /// @inheritdoc IFederation
    function admit(bytes32 org, OrgKind kind, bytes32 metadataDigest) external onlyRole(GOVERNOR_ROLE) {
        if (org == bytes32(0)) revert ZeroValue();
        if (kind == OrgKind.NONE) revert InvalidKind();
        if (_organisations[org].kind != OrgKind.NONE) revert OrganisationExists(org);
        _organisations[org] = Organisation({
            kind: kind,
            active: true,
            admittedAt: _time(),
            metadataDigest: metadataDigest
        });
        emit OrganisationAdmitted(org, kind, metadataDigest);
    }

    /// @inheritdoc IFederation
    function setMetadata(bytes32 org, bytes32 metadataDigest) external onlyRole(GOVERNOR_ROLE) {
        _requireOrganisation(org).metadataDigest = metadataDigest;
        emit OrganisationMetadataUpdated(org, metadataDigest);
    }

    /// @inheritdoc IFederation
    function suspend(bytes32 org, bytes32 reason) external onlyRole(GOVERNOR_ROLE) {
        Organisation storage organisation_ = _requireOrganisation(org);
        if (!organisation_.active) revert OrganisationAlreadySuspended(org);
        organisation_.active = false;
        emit OrganisationSuspended(org, reason);
    }

    /// @inheritdoc IFederation
    function reinstate(bytes32 org) external onlyRole(GOVERNOR_ROLE) {
        Organisation storage organisation_ = _requireOrganisation(org);
        if (organisation_.active) revert OrganisationNotSuspended(org);
        organisation_.active = true;
        emit OrganisationReinstated(org);
    }

    /// @inheritdoc IFederation
    function addKey(bytes32 org, address key) external onlyRole(GOVERNOR_ROLE) {
        if (key == address(0)) revert ZeroValue();
        _requireOrganisation(org);
        if (_keys[key].org != bytes32(0)) revert KeyExists(key);
        uint40 now_ = _time();
        _keys[key] = KeyRecord({org: org, validFrom: now_, validUntil: 0, compromisedFrom: 0});
        emit KeyAdded(org, key, now_);
    }

    /// @inheritdoc IFederation
    function retireKey(address key) external {
        KeyRecord storage record = _requireKeyManager(key);
        if (record.validUntil != 0) revert KeyAlreadyRetired(key);
        // The key may still sign during the current second, so anything it recorded before retiring stays inside
        // its interval.
        uint40 validUntil = _time() + 1;
        record.validUntil = validUntil;
        emit KeyRetired(record.org, key, validUntil);
    }

    /// @inheritdoc IFederation
    function markCompromised(address key, uint40 compromisedFrom) external {
        KeyRecord storage record = _requireKeyManager(key);
        uint40 previous = record.compromisedFrom;
        if (compromisedFrom == 0 || compromisedFrom > _time() || (previous != 0 && compromisedFrom >= previous)) {
            revert InvalidCompromiseTime(key, compromisedFrom);
        }
        record.compromisedFrom = compromisedFrom;
        emit KeyCompromised(record.org, key, compromisedFrom);
    }

    /// @inheritdoc IFederation
    function accredit(bytes32 org, bytes32 schema, uint40 validUntil) external onlyRole(GOVERNOR_ROLE) {
        if (schema == bytes32(0)) revert ZeroValue();
        if (_requireOrganisation(org).kind != OrgKind.CERTIFIER) revert NotCertifier(org);
        uint40 now_ = _time();
        if (validUntil != 0 && validUntil <= now_) revert InvalidAccreditationEnd(validUntil);
        _accreditations[org][schema] = Accreditation({validFrom: now_, validUntil: validUntil, withdrawn: false});
        emit AccreditationGranted(org, schema, now_, validUntil);
    }

    /// @inheritdoc IFederation
    function withdrawAccreditation(bytes32 org, bytes32 schema, bytes32 reason) external onlyRole(GOVERNOR_ROLE) {
        Accreditation storage accreditation_ = _accreditations[org][schema];
        if (accreditation_.validFrom == 0 || accreditation_.withdrawn) revert NotAccredited(org, schema);
        accreditation_.withdrawn = true;
        emit AccreditationWithdrawn(org, schema, reason);
    }

    /// @inheritdoc IFederation
    function organisation(bytes32 org) external view returns (Organisation memory) {
        return _organisations[org];
    }

    /// @inheritdoc IFederation
    function keyRecord(address key) external view returns (KeyRecord memory) {
        return _keys[key];
    }

    /// @inheritdoc IFederation
    function accreditation(bytes32 org, bytes32 schema) external view returns (Accreditation memory) {
        return _accreditations[org][schema];
    }

    /// @inheritdoc IFederation
    function signerAt(address key, uint256 time) external view returns (Signer memory signer) {
        KeyRecord storage record = _keys[key];
        bytes32 org = record.org;
        if (org == bytes32(0)) return signer;
        Organisation storage organisation_ = _organisations[org];
        signer.org = org;
        signer.kind = organisation_.kind;
        if (_isCompromisedAt(record, time)) {
            signer.status = KeyStatus.COMPROMISED;
        } else if (!_isInIntervalAt(record, time)) {
            signer.status = KeyStatus.INACTIVE;
        } else if (!organisation_.active) {
            signer.status = KeyStatus.ORGANISATION_SUSPENDED;
        } else {
            signer.status = KeyStatus.VALID;
        }
    }

    /// @inheritdoc IFederation
    function isKeyValidAt(bytes32 org, address key, uint256 time) external view returns (bool) {
        KeyRecord storage record = _keys[key];
        return
            org != bytes32(0) && record.org == org && !_isCompromisedAt(record, time) && _isInIntervalAt(record, time);
    }

    /// @inheritdoc IFederation
    function isAccreditedAt(bytes32 org, bytes32 schema, uint256 time) external view returns (bool) {
        Accreditation storage accreditation_ = _accreditations[org][schema];
        uint40 validFrom = accreditation_.validFrom;
        uint40 validUntil = accreditation_.validUntil;
        return
            validFrom != 0 && !accreditation_.withdrawn && time >= validFrom && (validUntil == 0 || time < validUntil);
    }

    /// @dev The organisation's storage record; reverts when it was never admitted.
    function _requireOrganisation(bytes32 org) private view returns (Organisation storage organisation_) {
        organisation_ = _organisations[org];
        if (organisation_.kind == OrgKind.NONE) revert UnknownOrganisation(org);
    }

    /// @dev The key's storage record, if the caller is the governor or the key itself.
    function _requireKeyManager(address key) private view returns (KeyRecord storage record) {
        if (msg.sender != key && !hasRole(GOVERNOR_ROLE, msg.sender)) revert NotGovernorOrKey(msg.sender, key);
        record = _keys[key];
        if (record.org == bytes32(0)) revert UnknownKey(key);
    }

    function _isCompromisedAt(KeyRecord storage record, uint256 time) private view returns (bool) {
        uint40 compromisedFrom = record.compromisedFrom;
        return compromisedFrom != 0 && time >= compromisedFrom;
    }

    function _isInIntervalAt(KeyRecord storage record, uint256 time) private view returns (bool) {
        uint40 validUntil = record.validUntil;
        return time >= record.validFrom && (validUntil == 0 || time < validUntil);
    }
}
