import { expect } from "chai";
import { keyStateAt } from "../../web/organisation/key-state";

describe("web/organisation key state", () => {
  const key = { address: "0x01", validFrom: 100, validUntil: null, compromisedFrom: null };
  it("should read a key's interval, a compromise winning over a retirement", () => {
    expect(keyStateAt(key, 50)).to.equal("notYet");
    expect(keyStateAt(key, 150)).to.equal("active");
    expect(keyStateAt({ ...key, validUntil: 200 }, 250)).to.equal("retired");
    expect(keyStateAt({ ...key, validUntil: 200, compromisedFrom: 180 }, 250)).to.equal("compromised");
    expect(keyStateAt({ ...key, compromisedFrom: 300 }, 250)).to.equal("active");
  });
});
