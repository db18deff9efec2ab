// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.29;

/// @title Types and errors shared by the Fontaine contracts.
/// @notice The sdk mirrors every enum below (`sdk/status.ts`); the numeric values are part of the ABI.

/// @notice What an organisation is in the federation.
/// @dev NONE marks an id that was never admitted.
enum OrgKind {
    NONE,
    SUPPLIER,
    CERTIFIER,
    MEMBER
}

/// @notice What the Federation says about a signing key at a given time.
/// @dev Precedence when several apply: UNKNOWN, COMPROMISED, INACTIVE, ORGANISATION_SUSPENDED, VALID.
enum KeyStatus {
    UNKNOWN,
    VALID,
    INACTIVE,
    COMPROMISED,
    ORGANISATION_SUSPENDED
}

/// @notice Who may attest under a schema.
enum AttestationPolicy {
    NONE,
    SELF_DECLARATION,
    ACCREDITED_CERTIFIER
}

/// @notice The verdict on an attestation (single or batched).
/// @dev Precedence when several apply: UNKNOWN, REVOKED, KEY_COMPROMISED, SUSPENDED, EXPIRED, VALID.
enum Status {
    UNKNOWN,
    VALID,
    EXPIRED,
    REVOKED,
    SUSPENDED,
    KEY_COMPROMISED
}

/// @notice A key's registration: the organisation it belongs to and its validity interval.
/// @param org Organisation the key signs for (a key belongs to one organisation forever).
/// @param validFrom First second the key may sign.
/// @param validUntil First second the key may no longer sign (0 = open-ended); set by retirement.
/// @param compromisedFrom Signatures dated at or after this second are invalid (0 = not compromised).
struct KeyRecord {
    bytes32 org;
    uint40 validFrom;
    uint40 validUntil;
    uint40 compromisedFrom;
}

/// @notice What a signing key may do at a given time, as answered by `IFederation.signerAt`.
/// @param org Organisation of the key (zero when unknown).
/// @param kind Kind of that organisation.
/// @param status Status of the key at the requested time.
struct Signer {
    bytes32 org;
    OrgKind kind;
    KeyStatus status;
}

/// @notice A value that must not be zero was zero (address, id, digest or count).
error ZeroValue();

/// @notice The caller lacks the governor role (or another role named by `role`).
/// @param account The caller.
/// @param role The missing role.
error MissingRole(address account, bytes32 role);

/// @notice A signing key cannot act: unknown, outside its validity interval, compromised or its organisation suspended.
/// @param key The key.
/// @param status Why it cannot act.
error KeyNotUsable(address key, KeyStatus status);

/// @notice A signature's deadline is in the past.
/// @param deadline The signed deadline (unix seconds).
error DeadlinePassed(uint256 deadline);

/// @notice The signature does not come from `signer` (wrong key, wrong chain id, wrong contract, wrong payload).
/// @param signer The claimed signer.
error InvalidSignature(address signer);

/// @notice An ECDSA signature is not 65 bytes long (64-byte compact signatures are not accepted either).
/// @param length The signature's length.
error InvalidSignatureLength(uint256 length);

/// @notice An ECDSA signature has a high `s` value (malleated); sign again with a standard wallet.
/// @param s The offending `s`.
error InvalidSignatureS(bytes32 s);

/// @notice A nonce of this signer was already used or cancelled.
/// @param signer The signer.
/// @param nonce The nonce.
error NonceAlreadyUsed(address signer, uint256 nonce);

/// @notice The organisation is not a certifier (only certifiers are accredited and endorse).
/// @param org Organisation id.
error NotCertifier(bytes32 org);

/// @notice The certifier is not (or no longer) accredited for the schema.
/// @param org Certifier organisation id.
/// @param schema Schema id.
error NotAccredited(bytes32 org, bytes32 schema);
