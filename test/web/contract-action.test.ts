import { expect } from "chai";
import { until } from "../../web/shared/wallet/contract-action";

describe("web/shared contract action: waiting for the API to show a recorded change", () => {
  it("should answer true once the check holds, asking again after a failed or negative answer", async () => {
    const answers: Array<() => Promise<boolean>> = [
      async () => false,
      async () => {
        throw new Error("the API did not answer");
      },
      async () => true,
    ];
    let asked = 0;
    const shown = await until(() => answers[asked++]!(), 5_000, 10);
    expect([shown, asked]).to.deep.equal([true, 3]);
  });

  it("should answer false when the check never holds before the time is up, so the page can say so", async () => {
    let asked = 0;
    const shown = await until(
      async () => {
        asked++;
        return false;
      },
      100,
      10,
    );
    expect(shown).to.equal(false);
    expect(asked).to.be.greaterThan(1);
  });
});
