import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";

/** Debian's Chromium (playwright-core downloads no browser of its own). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const launchArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** Where browser tests leave their screenshots (git-ignored, collected as CI artifacts). */
export const screenshotDir = path.resolve(__dirname, "../../../test-results/screenshots");

/** Starts headless Chromium; fails with a clear message when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
}

/** A fresh context (own storage) with a phone-sized or desktop viewport and a given locale. */
export async function newContext(
  browser: Browser,
  options: { width?: number; height?: number; locale?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: options.locale ?? "fr-BE",
    reducedMotion: "reduce",
  });
}

/** Saves a full-page screenshot as `test-results/screenshots/<name>.png`; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects page errors and console errors so a test can assert the page ran cleanly. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * Waits until the focused element matches `selector` (pages move focus in a render, which may land a moment after
 * the element shows), failing with a description of what holds the focus instead.
 */
export async function expectFocus(page: Page, selector: string, timeout = 5_000): Promise<void> {
  const landed = await page
    .waitForFunction((wanted) => document.activeElement?.matches(wanted) === true, selector, { timeout })
    .then(
      () => true,
      () => false,
    );
  if (landed) return;
  const holder = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 160) ?? "nothing");
  throw new Error(`expected the focus on ${selector}, it is on ${holder}`);
}

/**
 * The text of `locator` once every one of `parts` shows in it. A verdict shows at once; the claims' names, the
 * organisations' names and the recording dates arrive with their own look-ups a moment later: read the text after
 * them, never once at first sight. Fails with the text it last saw.
 */
export async function textShowing(locator: Locator, parts: Array<string | RegExp>, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await locator.innerText();
    const missing = parts.filter((part) => (typeof part === "string" ? !text.includes(part) : !part.test(text)));
    if (missing.length === 0) return text;
    if (Date.now() > deadline) {
      throw new Error(`expected ${missing.map(String).join(", ")} in the text, which reads: ${text.slice(0, 600)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
