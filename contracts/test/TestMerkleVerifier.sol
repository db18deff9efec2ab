// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title Exposes OpenZeppelin MerkleProof for golden-vector tests. Test only.
contract TestMerkleVerifier {
    /// @notice Whether `proof` leads from `leaf` to `root`.
    /// @param proof Sibling hashes.
    /// @param root Merkle root.
    /// @param leaf Leaf hash.
    /// @return True when it does.
    function verify(bytes32[] calldata proof, bytes32 root, bytes32 leaf) external pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
