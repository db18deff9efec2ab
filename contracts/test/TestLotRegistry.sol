// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {LotRegistry} from "../LotRegistry.sol";
import {IFederation} from "../interfaces/IFederation.sol";
import {TestClock} from "./TestClock.sol";

/// @title LotRegistry reading a settable clock. Test only.
contract TestLotRegistry is LotRegistry {
    TestClock private immutable _clock;

    /// @param federation_ The Federation.
    /// @param clock The shared test clock.
    constructor(IFederation federation_, TestClock clock) LotRegistry(federation_) {
        _clock = clock;
    }

    function _time() internal view override returns (uint40) {
        return _clock.now_();
    }
}
