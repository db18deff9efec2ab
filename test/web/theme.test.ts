import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";

const themeCss = fs.readFileSync(path.join(__dirname, "../../web/shared/theme.css"), "utf8");

function variable(name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(themeCss);
  if (!match?.[1]) throw new Error(`theme.css has no --${name} colour`);
  return match[1];
}

// WCAG 2.x relative luminance and contrast ratio.
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe("web theme", () => {
  const textPairs: [string, string][] = [
    ["color-text", "color-page"],
    ["color-text", "color-surface"],
    ["color-muted", "color-surface"],
    ["color-muted", "color-page"],
    ["color-link", "color-surface"],
    ["color-link", "color-page"],
    ["color-alarm", "color-surface"],
    ["color-text", "color-alarm-surface"],
    ["color-text", "color-warning-surface"],
    ["color-text", "color-info-surface"],
    ["color-alarm", "color-alarm-surface"],
    ["color-warning", "color-warning-surface"],
  ];
  for (const status of ["ok", "warning", "alarm", "offline", "unknown", "acknowledged", "brand"]) {
    textPairs.push([status === "brand" ? "color-brand" : `color-${status}`, "color-on-status"]);
  }

  it("should give every text colour pair at least WCAG AA contrast (4.5:1)", () => {
    for (const [foreground, background] of textPairs) {
      const ratio = contrast(variable(foreground), variable(background));
      expect(ratio, `${foreground} on ${background}: ${ratio.toFixed(2)}`).to.be.at.least(4.5);
    }
  });

  it("should give input borders and the focus ring at least 3:1 against the page (non-text contrast)", () => {
    for (const name of ["color-border", "color-focus"]) {
      expect(contrast(variable(name), variable("color-surface")), name).to.be.at.least(3);
      expect(contrast(variable(name), variable("color-page")), name).to.be.at.least(3);
    }
  });

  it("should compute the reference contrast of black on white as 21:1", () => {
    expect(contrast("#000000", "#ffffff")).to.be.closeTo(21, 0.001);
  });
});
