import { expect } from "chai";
import type { Browser, BrowserContext, Page, WebSocket as PageWebSocket } from "playwright-core";
import { launchBrowser, newContext, saveScreenshot, watchPageErrors } from "./helpers/browser";
import { startLiveStack, type LiveStack } from "./helpers/telemetry-stack";

// The live view in Debian's Chromium, against a real OPC UA simulator and the real telemetry
// service (gateway, alert engine, PGlite history, WebSocket hub) started here on loopback.

const tokenA = "e2e-live-org-01-aaaaaaaaaaaa";
const tokenB = "e2e-live-org-02-bbbbbbbbbbbb";

const fountains = [
  { fountainId: "F0001", organisationId: "org-01", name: "Fontaine du hall", chocolate: "dark" as const },
  { fountainId: "F0002", organisationId: "org-01", name: "Fontaine terrasse", chocolate: "milk" as const },
  { fountainId: "F0003", organisationId: "org-02", name: "Fontaine d'un concurrent", chocolate: "white" as const },
];

interface Frame {
  socket: number;
  type: string;
  seq?: number;
  replay?: { complete: boolean };
}

/** Records every stream frame the page receives, per socket, to check resume and duplicates. */
function recordFrames(page: Page): { urls: string[]; frames: Frame[] } {
  const record = { urls: [] as string[], frames: [] as Frame[] };
  page.on("websocket", (socket: PageWebSocket) => {
    const index = record.urls.push(socket.url()) - 1;
    socket.on("framereceived", ({ payload }) => {
      // The hub may send JSON in binary frames; Playwright then hands over a Buffer.
      const message = JSON.parse(typeof payload === "string" ? payload : payload.toString("utf8")) as Frame;
      record.frames.push({ socket: index, type: message.type, seq: message.seq, replay: message.replay });
    });
  });
  return record;
}

async function numberAttribute(page: Page, selector: string, name: string): Promise<number> {
  return Number(await page.getAttribute(selector, name));
}

describe("live view (browser)", function () {
  this.timeout(180_000);
  let stack: LiveStack;
  let browser: Browser;
  let stackReadyAt = 0;
  const contexts: BrowserContext[] = [];

  async function openPage(options: { token?: string; lang?: string; width?: number; height?: number } = {}) {
    const context = await newContext(browser, { width: options.width, height: options.height });
    contexts.push(context);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const frames = recordFrames(page);
    const query = options.lang ? `?lang=${options.lang}` : "";
    const fragment = options.token ? `#token=${options.token}` : "";
    await page.goto(`${stack.baseUrl}/live/${query}${fragment}`);
    return { page, errors, frames };
  }

  async function waitLive(page: Page): Promise<void> {
    await page.waitForSelector('.connection-bar[data-phase="live"]', { timeout: 30_000 });
    await page.waitForSelector('[data-fountain-id="F0001"] [data-sensor="basinTemperature"][data-quality="good"]', {
      timeout: 30_000,
    });
  }

  before(async function () {
    const [started, launched] = await Promise.allSettled([
      startLiveStack({
        fountains,
        tokens: { "org-01": tokenA, "org-02": tokenB },
        alerts: { flow: { onDelayMs: 500 }, offDelayMs: 500, badQualityDelayMs: 500 },
      }),
      launchBrowser(),
    ]);
    // Keep whatever started so `after` can close it, then report the first failure.
    if (started.status === "fulfilled") stack = started.value;
    stackReadyAt = Date.now();
    if (launched.status === "fulfilled") browser = launched.value;
    if (started.status === "rejected") throw started.reason;
    if (launched.status === "rejected") throw launched.reason;
  });

  afterEach(async () => {
    for (const fountain of fountains) stack?.simulator.setFault(fountain.fountainId, "none");
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("should ask for the access code in French by default and refuse an unknown one", async () => {
    const { page, errors } = await openPage();
    expect(await page.textContent("h1")).to.equal("Fontaines en direct");
    expect(await page.getAttribute("html", "lang")).to.equal("fr");
    await saveScreenshot(page, "live-fr-access-code");
    await page.click('button[type="submit"]');
    expect(await page.textContent('[role="alert"]')).to.contain("Saisissez votre code d’accès");
    await page.fill("#live-token", "e2e-unknown-token-zzzzzzzzzz");
    await page.click('button[type="submit"]');
    await page.waitForSelector("#live-token-error", { timeout: 20_000 });
    expect(await page.textContent("#live-token-error")).to.contain("Code d’accès refusé");
    expect(await page.evaluate(() => localStorage.getItem("fontaine.live.token"))).to.equal(null);
    // The refused upgrade is the only error the browser logs.
    expect(errors.filter((error) => !/401|WebSocket/.test(error))).to.deep.equal([]);
  });

  it("should show only the member's own fountains and update their tiles live", async () => {
    // History must hold readings from before the page opens: on a fast machine the stack is only just up.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, stackReadyAt + 6_000 - Date.now())));
    const openedAt = Date.now();
    const { page, errors } = await openPage({ token: tokenA });
    await waitLive(page);
    // The charts start with the last 15 minutes loaded over HTTP, not empty.
    await page.waitForFunction(
      (before) => Number(document.querySelector("figure.chart")?.getAttribute("data-first-point")) < before,
      openedAt - 3_000,
      { timeout: 15_000 },
    );
    expect(page.url(), "the access code leaves the address bar").to.not.contain("token");
    const ids = await page.$$eval("article[data-fountain-id]", (tiles) => tiles.map((tile) => tile.dataset.fountainId));
    expect(ids).to.deep.equal(["F0001", "F0002"]);
    expect(await page.textContent('article[data-fountain-id="F0001"]')).to.contain("Chocolat noir");

    const basin = '[data-fountain-id="F0001"] [data-sensor="basinTemperature"] .reading-value';
    const chart = '[data-fountain-id="F0001"] figure.chart';
    const first = await page.textContent(basin);
    expect(first).to.match(/^\d{2},\d\u00a0°C$/);
    const pointsBefore = await numberAttribute(page, chart, "data-valid-points");
    await page.waitForFunction(
      ({ selector, before }) => document.querySelector(selector)?.getAttribute("data-valid-points") !== before,
      { selector: chart, before: String(pointsBefore) },
      { timeout: 15_000 },
    );
    expect(await numberAttribute(page, chart, "data-valid-points")).to.be.greaterThan(pointsBefore);
    await page.waitForFunction(
      ({ selector, before }) => document.querySelector(selector)?.textContent !== before,
      { selector: basin, before: first },
      { timeout: 15_000 },
    );
    expect(await page.textContent('[data-fountain-id="F0001"] [data-sensor="flow"] .reading-value')).to.match(
      /L\/min$/,
    );
    expect(await page.getAttribute('article[data-fountain-id="F0001"]', "data-status")).to.equal("ok");
    expect(await page.textContent(".connection-bar")).to.contain("Capteurs reliés");
    expect(await page.$$eval('[data-fountain-id="F0001"] svg.sparkline path', (paths) => paths.length)).to.equal(3);
    await saveScreenshot(page, "live-fr-desktop");
    expect(errors).to.deep.equal([]);
  });

  it("should raise an alert when the flow stops and let the member acknowledge it with the keyboard", async () => {
    const { page, errors } = await openPage({ token: tokenA });
    await waitLive(page);
    stack.simulator.setFault("F0001", "flowStop");
    const alert = 'li[data-kind="flowStopped"][data-fountain-id="F0001"]';
    await page.waitForSelector(`${alert}[data-state="raised"]`, { timeout: 30_000 });
    expect(await page.textContent(alert)).to.contain("le chocolat ne coule plus");
    const status = await page.getAttribute('article[data-fountain-id="F0001"]', "data-status");
    expect(status).to.be.oneOf(["alarm", "warning"]);
    // Colour is never the only signal: the tile's badge says it in words too.
    expect(await page.textContent('[data-fountain-id="F0001"] .tile-header .badge')).to.equal(
      status === "alarm" ? "Alarme" : "Attention",
    );
    await saveScreenshot(page, "live-fr-alert");

    // Keyboard only: Tab until the acknowledge button has the focus, then Enter.
    const button = `${alert} button`;
    let focused = false;
    for (let i = 0; i < 40 && !focused; i++) {
      await page.keyboard.press("Tab");
      focused = await page.$eval(button, (element) => element === document.activeElement);
    }
    expect(focused, "the acknowledge button is reachable with Tab").to.equal(true);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${alert}[data-state="acknowledged"]`, { timeout: 15_000 });
    expect(await page.textContent(alert)).to.contain("Pris en compte par Organisation org-01");
    expect(await page.getAttribute('article[data-fountain-id="F0001"]', "data-status")).to.equal("acknowledged");

    stack.simulator.setFault("F0001", "none");
    await page.waitForSelector(alert, { state: "detached", timeout: 30_000 });
    expect(errors).to.deep.equal([]);
  });

  it("should never draw Bad quality readings as valid values and show them as invalid", async () => {
    const { page, errors } = await openPage({ token: tokenA });
    await waitLive(page);
    const reading = '[data-fountain-id="F0002"] [data-sensor="basinTemperature"]';
    const chart = '[data-fountain-id="F0002"] figure.chart';
    stack.simulator.setFault("F0002", "badStatus");
    await page.waitForSelector(`${reading}[data-quality="bad"]`, { timeout: 20_000 });
    const text = await page.textContent(reading);
    expect(text).to.contain("pas de mesure").and.contain("mesure invalide");
    expect(await page.textContent(`${reading} .reading-value`)).to.not.match(/\d/);
    await page.waitForFunction(
      (selector) => Number(document.querySelector(selector)?.getAttribute("data-holes")) > 0,
      chart,
      {
        timeout: 10_000,
      },
    );
    // While the source says Bad, no new valid point appears on the chart.
    const validDuringFault = await numberAttribute(page, chart, "data-valid-points");
    await page.waitForTimeout(1_500);
    expect(await numberAttribute(page, chart, "data-valid-points")).to.be.at.most(validDuringFault);
    // The alert says the readings are invalid and never quotes an invalid value as "last value".
    const badAlert = 'li[data-kind="badQuality"][data-fountain-id="F0002"]';
    await page.waitForSelector(badAlert, { timeout: 20_000 });
    expect(await page.textContent(badAlert))
      .to.contain("mesures invalides")
      .and.not.contain("Dernière valeur");
    await saveScreenshot(page, "live-fr-bad-quality");

    stack.simulator.setFault("F0002", "none");
    await page.waitForSelector(`${reading}[data-quality="good"]`, { timeout: 20_000 });
    await page.waitForFunction(
      ({ selector, before }) => Number(document.querySelector(selector)?.getAttribute("data-valid-points")) > before,
      { selector: chart, before: validDuringFault },
      { timeout: 10_000 },
    );
    expect(await numberAttribute(page, chart, "data-holes")).to.be.at.least(1);
    expect(errors).to.deep.equal([]);
  });

  it("should show the outage while the service is down, reconnect and resume without duplicates", async () => {
    const { page, errors, frames } = await openPage({ token: tokenA });
    await waitLive(page);
    await page.waitForTimeout(1_000);
    await stack.stopService();
    await page.waitForSelector('.connection-bar[data-phase="waiting"]', { timeout: 15_000 });
    expect(await page.textContent(".connection-bar")).to.match(/Hors ligne depuis \d{2}:\d{2}:\d{2}/);
    expect(await page.getAttribute('article[data-fountain-id="F0001"]', "data-status")).to.equal("offline");
    // The offline duration counts up (the page's clock ticks every second, whole seconds shown).
    await page.waitForFunction(
      () => /\((?:[2-9]|\d\d) s\)/.test(document.querySelector(".connection-bar")?.textContent ?? ""),
      null,
      { timeout: 6_000 },
    );
    await saveScreenshot(page, "live-fr-offline");
    const seqBeforeOutage = Math.max(...frames.frames.map((frame) => frame.seq ?? 0));

    await stack.startService();
    await page.waitForSelector('.connection-bar[data-phase="live"]', { timeout: 60_000 });
    await page.waitForTimeout(1_500);
    const resumed = frames.urls.slice(1);
    expect(resumed.length, "at least one reconnection").to.be.greaterThan(0);
    expect(resumed.at(-1)).to.contain(`lastSeq=${seqBeforeOutage}`);
    const lastSocket = frames.urls.length - 1;
    const snapshot = frames.frames.find((frame) => frame.socket === lastSocket && frame.type === "snapshot");
    expect(snapshot?.seq).to.equal(seqBeforeOutage);
    expect(snapshot?.replay?.complete).to.equal(true);
    const sequenced = frames.frames.filter((frame) => frame.type !== "snapshot" && frame.seq !== undefined);
    const seqs = sequenced.map((frame) => frame.seq!);
    expect(new Set(seqs).size, "no message is received twice").to.equal(seqs.length);
    expect(seqs.filter((seq) => seq > seqBeforeOutage).length, "data flows again").to.be.greaterThan(0);
    await page.waitForSelector('article[data-fountain-id="F0001"][data-status="ok"]', { timeout: 30_000 });
    // Only the refused/failed reconnection attempts may be logged while the service was down.
    expect(
      errors.filter((error) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(error)),
    ).to.deep.equal([]);
  });

  it("should show the sensor link outage and mark the gap when the fountain server restarts", async () => {
    const { page, errors } = await openPage({ token: tokenA });
    await waitLive(page);
    const tile = 'article[data-fountain-id="F0001"]';
    const holesBefore = await numberAttribute(page, `${tile} figure.chart`, "data-holes");
    const restarted = stack.simulator.restart(4_000);
    await page.waitForSelector('.connection-bar [data-source-state="reconnecting"]', { timeout: 20_000 });
    expect(await page.textContent(".connection-bar")).to.contain("Liaison avec les capteurs perdue");
    expect(await page.getAttribute(tile, "data-status")).to.equal("offline");
    await saveScreenshot(page, "live-fr-sensors-reconnecting");
    await restarted;
    await page.waitForSelector('.connection-bar [data-source-state="connected"]', { timeout: 60_000 });
    await page.waitForSelector(`${tile} .tile-gap`, { timeout: 30_000 });
    expect(await page.textContent(`${tile} .tile-gap`)).to.match(
      /Données manquantes de \d{2}:\d{2}:\d{2} à \d{2}:\d{2}:\d{2}/,
    );
    await page.waitForFunction(
      ({ selector, before }) => Number(document.querySelector(selector)?.getAttribute("data-holes")) > before,
      { selector: `${tile} figure.chart`, before: holesBefore },
      { timeout: 15_000 },
    );
    expect(errors).to.deep.equal([]);
  });

  it("should switch language, remember it, and fit a 360 px phone screen in every language", async () => {
    const { page, errors } = await openPage({ token: tokenA });
    await waitLive(page);
    await page.click('.language-switch button[lang="nl"]');
    expect(await page.textContent("h1")).to.equal("Fonteinen live");
    expect(await page.getAttribute("html", "lang")).to.equal("nl");
    expect(await page.getAttribute('.language-switch button[lang="nl"]', "aria-pressed")).to.equal("true");
    expect(await page.textContent('article[data-fountain-id="F0002"]')).to.contain("Melkchocolade");
    await page.reload();
    await waitLive(page);
    expect(await page.textContent("h1"), "the choice survives a reload").to.equal("Fonteinen live");

    const headings = { fr: "Fontaines en direct", nl: "Fonteinen live", en: "Live fountains" };
    for (const language of ["fr", "nl", "en"] as const) {
      await page.click(`.language-switch button[lang="${language}"]`);
      expect(await page.textContent("h1")).to.equal(headings[language]);
      await saveScreenshot(page, `live-${language}-desktop`);
    }
    expect(errors).to.deep.equal([]);

    // A phone screen, with the longest texts on show (an invalid reading on the second fountain).
    stack.simulator.setFault("F0002", "badStatus");
    const phone = await openPage({ token: tokenA, width: 360, height: 780 });
    await waitLive(phone.page);
    await phone.page.waitForSelector('[data-fountain-id="F0002"] [data-quality="bad"]', { timeout: 20_000 });
    for (const language of ["fr", "nl", "en"] as const) {
      await phone.page.click(`.language-switch button[lang="${language}"]`);
      expect(await phone.page.textContent("h1")).to.equal(headings[language]);
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `no horizontal scrolling at 360 px (${language})`).to.be.at.most(0);
      const tileRight = await phone.page.$eval(
        'article[data-fountain-id="F0002"]',
        (tile) => tile.getBoundingClientRect().right,
      );
      expect(tileRight).to.be.at.most(360);
      await saveScreenshot(phone.page, `live-${language}-phone-360`);
    }
    expect(phone.errors).to.deep.equal([]);
  });

  it("should let another member see only its own fountain", async () => {
    const { page } = await openPage({ token: tokenB, lang: "en" });
    await page.waitForSelector('.connection-bar[data-phase="live"]', { timeout: 30_000 });
    await page.waitForSelector('[data-fountain-id="F0003"] [data-quality="good"]', { timeout: 30_000 });
    const ids = await page.$$eval("article[data-fountain-id]", (tiles) => tiles.map((tile) => tile.dataset.fountainId));
    expect(ids).to.deep.equal(["F0003"]);
    expect(await page.textContent('article[data-fountain-id="F0003"]')).to.contain("White chocolate");
  });
});
