// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {IFederation} from "../interfaces/IFederation.sol";
import {KeyNotUsable, KeyStatus, MissingRole, Signer, ZeroValue} from "../Common.sol";
import {Clock} from "./Clock.sol";

/// @title Reads the Federation for the registries: governor checks and signer checks.
abstract contract FederationClient is Clock {
    /// @dev keccak256("GOVERNOR_ROLE"), as in Federation (constant here to save an external call).
    bytes32 internal constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @dev keccak256("RELAYER_ROLE"), as in Federation.
    bytes32 internal constant RELAYER_ROLE = keccak256("RELAYER_ROLE");

    /// @dev The Federation; immutable so a registry can never be silently re-pointed.
    IFederation internal immutable _federation;

    /// @dev Reverts with MissingRole unless the caller holds the Federation's governor role.
    modifier onlyGovernor() {
        if (!_federation.hasRole(GOVERNOR_ROLE, msg.sender)) revert MissingRole(msg.sender, GOVERNOR_ROLE);
        _;
    }

    /// @param federation_ The Federation contract (non-zero).
    constructor(IFederation federation_) {
        if (address(federation_) == address(0)) revert ZeroValue();
        _federation = federation_;
    }

    /// @dev The signer's organisation and kind now; reverts with KeyNotUsable unless the key is fully valid.
    function _requireValidSigner(address key) internal view returns (Signer memory signer) {
        signer = _federation.signerAt(key, _time());
        if (signer.status != KeyStatus.VALID) revert KeyNotUsable(key, signer.status);
    }

    /// @dev The organisation of a key allowed to take a protective action now (revoke, withdraw, flag): a key inside
    /// its interval and not compromised, even while its organisation is suspended.
    function _requireProtectiveSigner(address key) internal view returns (bytes32) {
        Signer memory signer = _federation.signerAt(key, _time());
        if (signer.status != KeyStatus.VALID && signer.status != KeyStatus.ORGANISATION_SUSPENDED) {
            revert KeyNotUsable(key, signer.status);
        }
        return signer.org;
    }

    /// @dev Whether the caller may act as governor.
    function _isGovernor(address account) internal view returns (bool) {
        return _federation.hasRole(GOVERNOR_ROLE, account);
    }
}
