// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {Federation} from "../Federation.sol";
import {TestClock} from "./TestClock.sol";

/// @title Federation reading a settable clock. Test only.
contract TestFederation is Federation {
    TestClock private immutable _clock;

    /// @param admin Admin and governor.
    /// @param clock The shared test clock.
    constructor(address admin, TestClock clock) Federation(admin) {
        _clock = clock;
    }

    function _time() internal view override returns (uint40) {
        return _clock.now_();
    }
}
