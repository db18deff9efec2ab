// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {INonces} from "../interfaces/INonces.sol";
import {
    DeadlinePassed,
    InvalidSignature,
    InvalidSignatureLength,
    InvalidSignatureS,
    NonceAlreadyUsed
} from "../Common.sol";
import {Clock} from "./Clock.sol";

/// @title EIP-712 signed requests: deadlines, unordered per-signer nonces, EOA and ERC-1271 signatures.
/// @dev Signatures are checked the way OpenZeppelin `SignatureChecker` does (ECDSA, else ERC-1271), with two
/// differences: ECDSA is tried first, which saves the EXTCODESIZE of a cold account on the common EOA path; and the
/// ERC-1271 call gets a fixed gas allowance and reads at most 32 bytes back, so a gas-burning or return-bombing
/// wallet costs a relayer a bounded amount and is simply rejected.
abstract contract SignedRequests is EIP712, INonces, Clock {
    /// @dev Gas forwarded to an ERC-1271 wallet's `isValidSignature` (a multisig of a dozen owners fits).
    uint256 internal constant ERC1271_GAS_LIMIT = 200_000;

    mapping(address signer => mapping(uint256 word => uint256 bits)) private _nonceBitmaps;

    /// @param name EIP-712 domain name.
    /// @param version EIP-712 domain version.
    constructor(string memory name, string memory version) EIP712(name, version) {}

    /// @inheritdoc INonces
    function isNonceUsed(address signer, uint256 nonce) public view returns (bool) {
        return _nonceBitmaps[signer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc INonces
    function cancelNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceCancelled(msg.sender, nonce);
    }

    /// @dev Mark `nonce` of `signer` used; reverts when it already was. Call only after every other check passed.
    function _useNonce(address signer, uint256 nonce) internal {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonceBitmaps[signer][nonce >> 8];
        if (bits & bit != 0) revert NonceAlreadyUsed(signer, nonce);
        _nonceBitmaps[signer][nonce >> 8] = bits | bit;
    }

    /// @dev Revert when `deadline` is in the past (a signature is usable up to and including its deadline second).
    function _checkDeadline(uint64 deadline) internal view {
        if (deadline < _time()) revert DeadlinePassed(deadline);
    }

    /// @dev Revert with the most specific error unless `signature` is `signer`'s over `digest`.
    function _requireValidSignature(address signer, bytes32 digest, bytes calldata signature) internal view {
        (address recovered, ECDSA.RecoverError error, bytes32 detail) = ECDSA.tryRecover(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == signer) return;
        if (signer.code.length != 0) {
            if (_isValidERC1271Signature(signer, digest, signature)) return;
            revert InvalidSignature(signer);
        }
        if (error == ECDSA.RecoverError.InvalidSignatureLength) revert InvalidSignatureLength(uint256(detail));
        if (error == ECDSA.RecoverError.InvalidSignatureS) revert InvalidSignatureS(detail);
        revert InvalidSignature(signer);
    }

    /// @dev Whether `signature` is `signer`'s over `digest` (EOA or ERC-1271), without reverting.
    function _isValidSignature(address signer, bytes32 digest, bytes calldata signature) internal view returns (bool) {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return signer.code.length != 0 && _isValidERC1271Signature(signer, digest, signature);
    }

    /// @dev ERC-1271 check with a gas cap, reading only the first 32 bytes of the answer.
    function _isValidERC1271Signature(
        address wallet,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (bool valid) {
        bytes memory payload = abi.encodeCall(IERC1271.isValidSignature, (digest, signature));
        bytes4 magic = IERC1271.isValidSignature.selector;
        // Assembly so that a huge return value is never copied into memory (returndata bombs).
        assembly ("memory-safe") {
            let success := staticcall(ERC1271_GAS_LIMIT, wallet, add(payload, 0x20), mload(payload), 0, 0x20)
            valid := and(and(success, gt(returndatasize(), 0x1f)), eq(mload(0), magic))
        }
    }
}
