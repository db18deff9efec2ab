import { expect } from "chai";
import {
  TOKEN_PATTERN,
  isDrawable,
  isSequenced,
  parseServerMessage,
  streamProtocols,
  streamUrl,
} from "../../../sdk/telemetry/protocol";
import { readingMessage } from "../../../telemetry/hub/messages";

describe("telemetry stream protocol helpers", () => {
  it("should build stream URLs for http and https, with lastSeq only when resuming", () => {
    expect(streamUrl("http://127.0.0.1:8090/live/")).to.equal("ws://127.0.0.1:8090/v1/stream");
    expect(streamUrl("https://live.fofac.be", 42)).to.equal("wss://live.fofac.be/v1/stream?lastSeq=42");
    expect(streamUrl("https://live.fofac.be", 0)).to.equal("wss://live.fofac.be/v1/stream");
    expect(streamProtocols("abc")).to.deep.equal(["fontaine.v1", "token.abc"]);
  });

  it("should accept only tokens that are valid subprotocol tokens", () => {
    expect(TOKEN_PATTERN.test("Ab0-._~Ab0-._~Ab0")).to.equal(true);
    expect(TOKEN_PATTERN.test("short")).to.equal(false);
    expect(TOKEN_PATTERN.test("has space inside the token")).to.equal(false);
    expect(TOKEN_PATTERN.test("comma,inside,the,token,value")).to.equal(false);
  });

  it("should parse known messages only and tell which carry a seq", () => {
    expect(parseServerMessage("not json")).to.equal(undefined);
    expect(parseServerMessage('{"type":"reading"}')).to.equal(undefined);
    expect(parseServerMessage('{"type":"other","seq":1}')).to.equal(undefined);
    const reading = parseServerMessage('{"type":"reading","seq":3}');
    expect(reading && isSequenced(reading)).to.equal(true);
    const status = parseServerMessage('{"type":"status","state":"connected"}');
    expect(status && isSequenced(status)).to.equal(false);
  });

  it("should never make a Bad, Uncertain or non-finite reading drawable", () => {
    const base = {
      fountainId: "F1",
      sensor: "basin",
      unit: "°C",
      sourceTimestamp: Date.UTC(2026, 10, 28),
      receivedAt: Date.UTC(2026, 10, 28),
    };
    const bad = readingMessage(1, { ...base, value: 45, quality: "bad" });
    const uncertain = readingMessage(2, { ...base, value: 45, quality: "uncertain" });
    const nan = readingMessage(3, { ...base, value: Number.NaN, quality: "good" });
    const good = readingMessage(4, { ...base, value: 45, quality: "good" });
    expect(nan.value).to.equal(null);
    expect(JSON.parse(JSON.stringify(nan)).value).to.equal(null);
    expect([bad, uncertain, nan, good].map(isDrawable)).to.deep.equal([false, false, false, true]);
    expect(good.sourceTimestamp).to.equal("2026-11-28T00:00:00.000Z");
  });
});
