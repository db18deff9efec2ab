import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

interface ExampleConfig {
  gateway: { endpoints: { url: string; fountains: { fountainId: string; organisationId: string }[] }[] };
  access?: { tokens: { token: string; organisationId?: string; federation?: boolean; name?: string }[] };
}

/** Access tokens of the embedded stack, created once and kept in the data folder. */
export interface LocalTelemetryTokens {
  /** Sees every fountain (the operator of this machine). */
  federation: string;
  /** One per member organisation of the fountain mapping (`org-01`, …). */
  members: Record<string, string>;
}

/** Fountains of the demo: three, the second running hot. */
export const DEMO_FOUNTAINS = 3;
export const DEMO_HOT_FOUNTAIN = "F0002";

function newToken(): string {
  return crypto.randomBytes(24).toString("base64url");
}

/**
 * Writes the telemetry config of the embedded stack into the data folder: the repository's example
 * mapping (the local simulator's fountains) with the simulator endpoint on `opcuaPort`, and access
 * tokens kept in `<dataDir>/telemetry-tokens.json` so links stay valid across restarts.
 */
export function prepareLocalTelemetry(options: { root: string; dataDir: string; opcuaPort: number; demo: boolean }): {
  configFile: string;
  tokens: LocalTelemetryTokens;
  fountains: number;
  simulatorArgs: string[];
} {
  const config = JSON.parse(fs.readFileSync(path.join(options.root, "telemetry.config.json"), "utf8")) as ExampleConfig;
  for (const endpoint of config.gateway.endpoints) {
    endpoint.url = endpoint.url.replace(/:\d+$/, `:${options.opcuaPort}`);
    if (options.demo) endpoint.fountains = endpoint.fountains.slice(0, DEMO_FOUNTAINS);
  }
  const organisations = [
    ...new Set(config.gateway.endpoints.flatMap((endpoint) => endpoint.fountains.map((f) => f.organisationId))),
  ];
  const tokensFile = path.join(options.dataDir, "telemetry-tokens.json");
  let tokens: LocalTelemetryTokens = fs.existsSync(tokensFile)
    ? (JSON.parse(fs.readFileSync(tokensFile, "utf8")) as LocalTelemetryTokens)
    : { federation: newToken(), members: {} };
  for (const organisation of organisations) tokens.members[organisation] ??= newToken();
  tokens = { federation: tokens.federation, members: tokens.members };
  fs.writeFileSync(tokensFile, JSON.stringify(tokens, null, 2) + "\n", { mode: 0o600 });
  config.access = {
    tokens: [
      { token: tokens.federation, federation: true, name: "operator" },
      ...organisations.map((organisation) => ({
        token: tokens.members[organisation] as string,
        organisationId: organisation,
        name: organisation,
      })),
    ],
  };
  const configFile = path.join(options.dataDir, "telemetry.config.json");
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  const fountains = config.gateway.endpoints.reduce((count, endpoint) => count + endpoint.fountains.length, 0);
  return {
    configFile,
    tokens,
    fountains,
    simulatorArgs: options.demo
      ? ["--fountains", String(fountains), "--fault", `${DEMO_HOT_FOUNTAIN}=overheating`]
      : [],
  };
}
