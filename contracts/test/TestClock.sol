// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

/// @title A settable clock shared by the test variants of the Fontaine contracts. Test only.
contract TestClock {
    /// @notice The time the variants read (0 = follow block.timestamp).
    uint40 public time;

    /// @notice Set the time (0 = follow block.timestamp); may go backwards.
    /// @param newTime Unix seconds.
    function setTime(uint40 newTime) external {
        time = newTime;
    }

    /// @notice The current test time.
    /// @return Unix seconds.
    function now_() external view returns (uint40) {
        uint40 fixedTime = time;
        return fixedTime == 0 ? uint40(block.timestamp) : fixedTime;
    }
}
