import { expect } from "chai";
import fc from "fast-check";
import { backoffDelay } from "../../web/live/backoff";
import {
  alignSeries,
  insertPoint,
  seriesSummary,
  sparklinePath,
  sparklineWindow,
  trimSeries,
  type SeriesPoint,
} from "../../web/live/series";

describe("live view series", () => {
  describe("insertPoint", () => {
    it("should keep points sorted and ignore a second point at the same instant", () => {
      const series: SeriesPoint[] = [];
      expect(insertPoint(series, { t: 30, value: 3 })).to.equal(true);
      expect(insertPoint(series, { t: 10, value: 1 })).to.equal(true);
      expect(insertPoint(series, { t: 20, value: 2 })).to.equal(true);
      expect(insertPoint(series, { t: 20, value: 2.5 })).to.equal(false);
      expect(series).to.deep.equal([
        { t: 10, value: 1 },
        { t: 20, value: 2 },
        { t: 30, value: 3 },
      ]);
    });

    it("should let a hole replace a value at the same instant, never the reverse", () => {
      const series: SeriesPoint[] = [{ t: 10, value: 1 }];
      expect(insertPoint(series, { t: 10, value: null })).to.equal(true);
      expect(insertPoint(series, { t: 10, value: 5 })).to.equal(false);
      expect(series).to.deep.equal([{ t: 10, value: null }]);
    });

    it("should stay sorted and duplicate-free whatever the arrival order (property)", () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.option(fc.double({ noNaN: true }))), { maxLength: 80 }),
          (points) => {
            const series: SeriesPoint[] = [];
            for (const [t, value] of points) insertPoint(series, { t, value });
            for (let i = 1; i < series.length; i++) expect(series[i]!.t).to.be.greaterThan(series[i - 1]!.t);
            expect(series.length).to.equal(new Set(points.map(([t]) => t)).size);
          },
        ),
        { seed: 42, numRuns: 200 },
      );
    });
  });

  it("should trim points older than the window", () => {
    const series: SeriesPoint[] = [10, 20, 30, 40].map((t) => ({ t, value: t }));
    trimSeries(series, 25);
    expect(series.map((p) => p.t)).to.deep.equal([30, 40]);
  });

  it("should count valid points and holes", () => {
    const series: SeriesPoint[] = [
      { t: 1, value: 1 },
      { t: 2, value: null },
      { t: 3, value: null },
      { t: 4, value: 4 },
      { t: 5, value: null },
    ];
    expect(seriesSummary(series)).to.deep.equal({ valid: 2, holes: 2 });
  });

  describe("sparklinePath", () => {
    it("should start a new stretch after each hole instead of bridging it", () => {
      const path = sparklinePath(
        [
          { t: 0, value: 0 },
          { t: 10, value: 10 },
          { t: 20, value: null },
          { t: 30, value: 10 },
          { t: 40, value: 0 },
        ],
        { from: 0, to: 40, width: 40, height: 10 },
      );
      expect(path).to.equal("M0.0 10.0L10.0 0.0M30.0 0.0L40.0 10.0");
    });

    it("should keep noise flat with a minimum vertical span and skip points outside the window", () => {
      const path = sparklinePath(
        [
          { t: -10, value: 100 },
          { t: 0, value: 45 },
          { t: 10, value: 45.2 },
        ],
        { from: 0, to: 10, width: 10, height: 10, minSpan: 2 },
      );
      expect(path).to.equal("M0.0 5.5L10.0 4.5");
    });

    it("should span the recent data, at least the minimum width", () => {
      const series = [100_000, 200_000, 290_000].map((t) => ({ t, value: 1 }));
      expect(sparklineWindow(series, 300_000, 300_000, 60_000)).to.deep.equal({ from: 100_000, to: 300_000 });
      expect(sparklineWindow(series, 300_000, 150_000, 60_000)).to.deep.equal({ from: 200_000, to: 300_000 });
      expect(sparklineWindow([{ t: 295_000, value: 1 }], 300_000, 300_000, 60_000)).to.deep.equal({
        from: 240_000,
        to: 300_000,
      });
      expect(sparklineWindow([], 300_000, 300_000, 60_000)).to.deep.equal({ from: 0, to: 300_000 });
    });

    it("should draw nothing when no value is valid", () => {
      expect(sparklinePath([{ t: 0, value: null }], { from: 0, to: 10, width: 10, height: 10 })).to.equal("");
    });
  });

  it("should align series keeping real holes (null) apart from missing samples (undefined)", () => {
    const [times, a, b] = alignSeries([
      [
        { t: 1000, value: 1 },
        { t: 3000, value: null },
      ],
      [{ t: 2000, value: 2 }],
    ]);
    expect(times).to.deep.equal([1, 2, 3]);
    expect(a).to.deep.equal([1, undefined, null]);
    expect(b).to.deep.equal([undefined, 2, undefined]);
  });

  describe("backoffDelay", () => {
    it("should grow exponentially up to the ceiling, with jitter within [step/2, step]", () => {
      const options = { initialMs: 500, maxMs: 30_000, factor: 2 };
      expect(backoffDelay(0, { ...options, random: () => 0 })).to.equal(250);
      expect(backoffDelay(0, { ...options, random: () => 0.999999 })).to.equal(500);
      expect(backoffDelay(3, { ...options, random: () => 0 })).to.equal(2000);
      expect(backoffDelay(20, { ...options, random: () => 0.999999 })).to.equal(30_000);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.double({ min: 0, max: 0.999999, noNaN: true }),
          (attempt, r) => {
            const step = Math.min(30_000, 500 * 2 ** attempt);
            const delay = backoffDelay(attempt, { ...options, random: () => r });
            expect(delay).to.be.within(Math.floor(step / 2), step);
          },
        ),
        { seed: 7 },
      );
    });
  });
});
