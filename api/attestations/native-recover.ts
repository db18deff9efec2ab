/**
 * libsecp256k1's public-key recovery through its native Node binding (the `secp256k1` package, prebuilt; it falls
 * back to JavaScript where no binary loads): ~0.04 ms per signature here, against ~0.2 ms in WebAssembly.
 *
 * Main thread only: the binding keeps per-process state that a worker thread corrupts when it loads the binding and
 * exits (the process aborts in free()). Worker threads use `wasmRecover` (attest-signature.ts); nothing that runs in
 * a worker may import this file.
 */
import { ecdsaRecover } from "secp256k1";
import type { CurveRecover } from "./attest-signature";

/** libsecp256k1 (native binding) as a `CurveRecover`. */
export const nativeRecover: CurveRecover = (digest, signature64, recoveryId) => {
  try {
    return ecdsaRecover(signature64, recoveryId, digest, false);
  } catch {
    // No point on the curve for this r: libsecp256k1 refuses it, and ecrecover returns no address either.
    return null;
  }
};
