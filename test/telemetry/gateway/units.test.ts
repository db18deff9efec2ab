import { expect } from "chai";
import fc from "fast-check";
import { qualityOfStatus, toReading } from "../../../telemetry/gateway/readings";
import { unitConversion, unitIdToCommonCode } from "../../../telemetry/gateway/units";

const code = (text: string) => [...text].reduce((id, c) => id * 256 + c.charCodeAt(0), 0);

describe("gateway units and quality", () => {
  it("should decode UNECE common codes from EUInformation.unitId", () => {
    expect(unitIdToCommonCode(code("CEL"))).to.equal("CEL");
    expect(unitIdToCommonCode(code("L2"))).to.equal("L2");
    expect(unitIdToCommonCode(0)).to.equal("");
  });

  it("should convert temperatures to °C from °F and K, by code or by symbol", () => {
    expect(unitConversion("temperature", { unitId: code("FAH"), symbol: "°F" }).convert(212)).to.be.closeTo(100, 1e-9);
    expect(unitConversion("temperature", { symbol: "°F" }).convert(32)).to.be.closeTo(0, 1e-9);
    expect(unitConversion("temperature", { unitId: code("KEL") }).convert(318.15)).to.be.closeTo(45, 1e-9);
    expect(unitConversion("temperature", { symbol: "°C" })).to.include({ unit: "°C", known: true });
  });

  it("should convert flows to L/min and power to W", () => {
    expect(unitConversion("flow", { symbol: "m³/h" }).convert(0.06)).to.be.closeTo(1, 1e-9);
    expect(unitConversion("flow", { symbol: "L/h" }).convert(120)).to.be.closeTo(2, 1e-9);
    expect(unitConversion("flow", { unitId: code("G2") }).convert(1)).to.be.closeTo(3.785411784, 1e-9);
    expect(unitConversion("heaterPower", { unitId: code("KWT") }).convert(0.8)).to.be.closeTo(800, 1e-9);
  });

  it("should never relabel a unit that does not fit the kind", () => {
    const kelvinFlow = unitConversion("flow", { unitId: code("KEL"), symbol: "K" });
    expect(kelvinFlow).to.include({ unit: "K", known: false });
    expect(kelvinFlow.convert(300)).to.equal(300);
    expect(unitConversion("temperature", { symbol: "°Ré" })).to.include({ unit: "°Ré", known: false });
  });

  it("should map status code severities to qualities (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (status) => {
        const quality = qualityOfStatus(status);
        if (status < 0x40000000) return quality === "good";
        if (status < 0x80000000) return quality === "uncertain";
        return quality === "bad";
      }),
      { seed: 7 },
    );
  });

  it("should never mark a non-finite value or an impossible one as good", () => {
    const binding = {
      fountainId: "F",
      sensor: "basin",
      kind: "temperature" as const,
      conversion: unitConversion("temperature", { symbol: "°C" }),
      instrumentRange: { low: -20, high: 150 },
    };
    const now = Date.now();
    const at = new Date(now);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, "47", null, 151, -21])
      expect(toReading(binding, { value, statusCode: 0, sourceTimestamp: at }, now).quality).to.equal("bad");
    expect(toReading(binding, { value: 47, statusCode: 0, sourceTimestamp: at }, now).quality).to.equal("good");
    expect(toReading(binding, { value: 47, statusCode: 0, sourceTimestamp: null }, now)).to.include({
      quality: "uncertain",
      sourceTimestamp: now,
    });
  });
});
