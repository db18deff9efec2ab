// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

/// @title DeploylessReads: many view calls in one `eth_call`, without deploying anything.
/// @notice Never deployed: its creation code plus the ABI-encoded arguments is sent as the `data` of an `eth_call`
/// without `to`; the constructor makes every static call and returns the results as the call's output.
/// Compiled bytecode: sdk/bundle/deployless-reads.ts (checked against this source by test/sdk/bundle).
contract DeploylessReads {
    /// @param targets Contracts to call.
    /// @param calls Calldata for each target.
    constructor(address[] memory targets, bytes[] memory calls) {
        bool[] memory succeeded = new bool[](targets.length);
        bytes[] memory results = new bytes[](targets.length);
        for (uint256 i = 0; i < targets.length; ++i) {
            (succeeded[i], results[i]) = targets[i].staticcall(calls[i]);
        }
        bytes memory encoded = abi.encode(succeeded, results);
        assembly ("memory-safe") {
            return(add(encoded, 32), mload(encoded))
        }
    }
}
