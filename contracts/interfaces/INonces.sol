// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

/// @title Unordered per-signer nonces for signed (EIP-712) requests.
/// @notice Each signed request carries a nonce chosen by the signer (any uint256, e.g. random or a counter). A
/// nonce is consumed only when the request succeeds; a signer may cancel a nonce to void a signature it handed out.
interface INonces {
    /// @notice A signer cancelled one of its nonces, voiding any request signed with it.
    /// @param signer The signer.
    /// @param nonce The nonce.
    event NonceCancelled(address indexed signer, uint256 nonce);

    /// @notice Whether `signer` already used or cancelled `nonce`.
    /// @param signer The signer.
    /// @param nonce The nonce.
    /// @return True when it can no longer be used.
    function isNonceUsed(address signer, uint256 nonce) external view returns (bool);

    /// @notice Cancel one of the caller's nonces.
    /// @param nonce The nonce to void.
    function cancelNonce(uint256 nonce) external;
}
