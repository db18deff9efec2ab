// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

/// @title The contracts' only source of time.
/// @dev Test variants (contracts/test/) override `_time()` to move time freely, including backwards.
abstract contract Clock {
    /// @dev Current time in unix seconds.
    function _time() internal view virtual returns (uint40) {
        return uint40(block.timestamp);
    }
}
