import { loadConfig, type ApiConfig } from "../../../api/config";

/** A test configuration from defaults plus overrides (environment-variable form). */
export function testConfig(overrides: Record<string, string> = {}): ApiConfig {
  return loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", API_PORT: "0", ...overrides });
}
