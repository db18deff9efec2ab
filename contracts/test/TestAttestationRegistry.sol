// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {AttestationRegistry} from "../AttestationRegistry.sol";
import {IFederation} from "../interfaces/IFederation.sol";
import {TestClock} from "./TestClock.sol";

/// @title AttestationRegistry reading a settable clock, with a small schema cap. Test only.
contract TestAttestationRegistry is AttestationRegistry {
    TestClock private immutable _clock;
    uint256 private immutable _schemaCap;

    /// @param federation_ The Federation.
    /// @param clock The shared test clock.
    /// @param schemaCap Maximum number of schemas (0 = the production cap).
    constructor(IFederation federation_, TestClock clock, uint256 schemaCap) AttestationRegistry(federation_) {
        _clock = clock;
        _schemaCap = schemaCap;
    }

    function _time() internal view override returns (uint40) {
        return _clock.now_();
    }

    function _maxSchemas() internal view override returns (uint256) {
        return _schemaCap == 0 ? super._maxSchemas() : _schemaCap;
    }
}
