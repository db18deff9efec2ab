import { expect } from "chai";
import { Wallet } from "ethers";
import { accountMismatch, chainIdOf, chainMismatch, selectedAccount } from "../../web/shared/wallet/session-guard";

describe("web/shared/wallet session guard", () => {
  const signedIn = Wallet.createRandom().address; // EIP-55 checksummed, as the API answers
  const other = Wallet.createRandom().address;

  describe("account", () => {
    it("should keep the session while the wallet's selected account is the session's, in any letter case", () => {
      expect(accountMismatch(signedIn, [signedIn.toLowerCase()])).to.equal(null);
      expect(accountMismatch(signedIn, [signedIn])).to.equal(null);
      expect(accountMismatch(signedIn.toLowerCase(), [signedIn, other])).to.equal(null);
    });

    it("should say the account changed when the selected (first) account is another", () => {
      expect(accountMismatch(signedIn, [other.toLowerCase()])).to.equal("accountChanged");
      // MetaMask lists the selected account first: the session's account further down is not the one in use.
      expect(accountMismatch(signedIn, [other, signedIn])).to.equal("accountChanged");
    });

    it("should not take a locked wallet (no account shared) or a malformed answer for a switch", () => {
      expect(accountMismatch(signedIn, [])).to.equal(null);
      expect(accountMismatch(signedIn, null)).to.equal(null);
      expect(accountMismatch(signedIn, "0x1234")).to.equal(null);
      expect(accountMismatch(signedIn, [42])).to.equal(null);
      expect(selectedAccount(["0xnot-an-address"])).to.equal(null);
      expect(selectedAccount([other])).to.equal(other.toLowerCase());
    });
  });

  describe("network", () => {
    it("should read hex and decimal chain ids and refuse the rest", () => {
      expect(chainIdOf("0x7a69")).to.equal(31_337);
      expect(chainIdOf("31337")).to.equal(31_337);
      expect(chainIdOf(1)).to.equal(1);
      expect(chainIdOf("0x")).to.equal(null);
      expect(chainIdOf("mainnet")).to.equal(null);
      expect(chainIdOf(0)).to.equal(null);
      expect(chainIdOf(undefined)).to.equal(null);
    });

    it("should say the network changed only when the wallet's chain differs from the session's", () => {
      expect(chainMismatch(31_337, "0x7a69")).to.equal(null);
      expect(chainMismatch(31_337, "0x1")).to.equal("networkChanged");
      expect(chainMismatch(31_337, "not a chain")).to.equal(null);
    });
  });
});
