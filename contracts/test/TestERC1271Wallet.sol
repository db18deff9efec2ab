// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title A smart-contract wallet with selectable ERC-1271 behaviour. Test only.
contract TestERC1271Wallet is IERC1271 {
    /// @notice How `isValidSignature` behaves.
    enum Mode {
        GOOD,
        WRONG_MAGIC,
        REVERTING,
        GAS_BURNING,
        RETURN_BOMB
    }

    /// @notice Error of the REVERTING mode.
    error WalletRefuses();

    /// @notice The EOA whose ECDSA signatures the wallet accepts in GOOD mode.
    address public immutable owner;
    /// @notice Current behaviour.
    Mode public mode;

    /// @param owner_ EOA whose signatures count.
    /// @param mode_ Initial behaviour.
    constructor(address owner_, Mode mode_) {
        owner = owner_;
        mode = mode_;
    }

    /// @notice Change the behaviour.
    /// @param mode_ New behaviour.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Call `target` with `data` as this wallet (so the wallet can act as a key directly).
    /// @param target Contract to call.
    /// @param data Calldata.
    /// @return result The call's return data.
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        bool success;
        // solhint-disable-next-line avoid-low-level-calls
        (success, result) = target.call(data);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        Mode current = mode;
        if (current == Mode.REVERTING) revert WalletRefuses();
        if (current == Mode.GAS_BURNING) {
            uint256 spin;
            while (gasleft() > 1000) spin++;
            return bytes4(uint32(spin));
        }
        if (current == Mode.RETURN_BOMB) {
            assembly ("memory-safe") {
                mstore(0, 0x1626ba7e00000000000000000000000000000000000000000000000000000000)
                return(0, 1000000)
            }
        }
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(hash, signature);
        bool valid = error == ECDSA.RecoverError.NoError && recovered == owner;
        if (current == Mode.WRONG_MAGIC) return 0xdeadbeef;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
