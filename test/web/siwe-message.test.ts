import { expect } from "chai";
import { SiweMessage } from "siwe";
import { Wallet } from "ethers";
import { signInMessage, siweStatement } from "../../web/shared/wallet/siwe-message";

describe("web/shared/wallet sign-in message", () => {
  it("should be parsed by the siwe library the API uses, field for field", () => {
    const address = Wallet.createRandom().address;
    const text = signInMessage({
      domain: "127.0.0.1:8080",
      address,
      statement: siweStatement("Connexion à Fontaine (FOFAC). Cette signature n’enregistre rien et ne coûte rien."),
      uri: "http://127.0.0.1:8080",
      chainId: 31_999,
      nonce: "abcdef0123456789",
      issuedAt: "2026-03-03T10:00:00.000Z",
      expirationTime: "2026-03-03T10:05:00.000Z",
    });
    const parsed = new SiweMessage(text);
    expect(parsed.address).to.equal(address);
    expect(parsed.domain).to.equal("127.0.0.1:8080");
    expect(parsed.chainId).to.equal(31_999);
    expect(parsed.nonce).to.equal("abcdef0123456789");
    expect(parsed.expirationTime).to.equal("2026-03-03T10:05:00.000Z");
    expect(parsed.statement).to.equal(
      "Connexion a Fontaine (FOFAC). Cette signature n'enregistre rien et ne coute rien.",
    );
    expect(parsed.prepareMessage()).to.equal(text);
  });
});
