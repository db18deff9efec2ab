import { BaseError, type ErrorDetails } from "../../sdk/server";

/** The gateway configuration is unsafe for its mode (e.g. security None in production): never retried. */
export class GatewaySecurityError extends BaseError {
  override name = "GatewaySecurityError" as const;
  constructor(message: string, details?: ErrorDetails) {
    super(message, { code: "gateway-insecure-config", details, retryable: false });
  }
}

/** An OPC UA server could not be reached or answered with an error; the gateway retries with backoff. */
export class OpcuaSourceError extends BaseError {
  override name = "OpcuaSourceError" as const;
  constructor(message: string, cause?: unknown, details?: ErrorDetails) {
    super(message, { code: "opcua-source-unavailable", cause, details, retryable: true });
  }
}
