import { expect } from "chai";
import { Interface } from "ethers";
import fs from "node:fs";
import path from "node:path";

/** The ABI Hardhat compiled for `contract` (artifacts/, built by `npm run compile`). */
export function compiledAbi(contract: string): Interface {
  const file = path.resolve(__dirname, `../../../artifacts/contracts/${contract}.sol/${contract}.json`);
  return new Interface((JSON.parse(fs.readFileSync(file, "utf8")) as { abi: unknown[] }).abi as never);
}

/** Asserts that a page's hand-written ABI fragments name functions and errors `contract` has, with the same selectors. */
export function expectFragmentsOf(contract: string, fragments: readonly string[]): void {
  const compiled = compiledAbi(contract);
  const ours = new Interface(fragments);
  ours.forEachFunction((fn) => {
    expect(compiled.getFunction(fn.selector)?.format("sighash"), `${contract}.${fn.name}`).to.equal(
      fn.format("sighash"),
    );
  });
  ours.forEachError((error) => {
    expect(compiled.getError(error.selector)?.format("sighash"), `${contract} error ${error.name}`).to.equal(
      error.format("sighash"),
    );
  });
}
