import { z } from "zod";

/**
 * OPC UA node id as written in the config file, in the OPC UA string form:
 * `ns=1;s=Fountains.F1.BasinTemperature`, `ns=2;i=1001` (numeric), or with a namespace URI
 * instead of an index (`nsu=urn:vendor:fountains;i=1001`), which survives servers that reorder
 * their namespace table on restart.
 */
export const nodeIdSchema = z
  .string()
  .min(3)
  .regex(/^(?:(?:ns=\d+|nsu=[^;]+);)?[isgb]=.+$/, "expected an OPC UA node id such as ns=2;i=1001 or ns=1;s=Name");

export const sensorKindSchema = z.enum(["temperature", "flow", "heaterPower", "motor"]);
export const sensorPositionSchema = z.enum(["basin", "tower", "heater", "motor"]);
export const chocolateTypeSchema = z.enum(["dark", "milk", "white"]);

/** One OPC UA variable mapped to a fountain sensor. */
export const sensorMappingSchema = z.strictObject({
  /** Stable sensor id within the fountain, e.g. `basinTemperature`. */
  sensor: z.string().min(1).max(64),
  kind: sensorKindSchema,
  position: sensorPositionSchema,
  nodeId: nodeIdSchema,
  /**
   * Unit to assume when the server exposes no EngineeringUnits property (e.g. "°F").
   * When the server does expose one, the server wins.
   */
  unit: z.string().optional(),
});

/** One fountain: who owns it, what it holds, and where its sensors live on the server. */
export const fountainMappingSchema = z.strictObject({
  fountainId: z.string().min(1).max(64),
  organisationId: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  /** Chocolate type used when `chocolateNodeId` is absent or unreadable. */
  chocolate: chocolateTypeSchema,
  /** Optional variable holding the chocolate type (string "dark"/"milk"/"white" or 0/1/2). */
  chocolateNodeId: nodeIdSchema.optional(),
  sensors: z.array(sensorMappingSchema).min(1),
});

export const securityModeSchema = z.enum(["None", "Sign", "SignAndEncrypt"]);
/** Basic128Rsa15 and Basic256 are deprecated by the OPC Foundation and refused in production. */
export const securityPolicySchema = z.enum([
  "None",
  "Basic128Rsa15",
  "Basic256",
  "Basic256Sha256",
  "Aes128_Sha256_RsaOaep",
  "Aes256_Sha256_RsaPss",
]);
export const DEPRECATED_SECURITY_POLICIES = ["Basic128Rsa15", "Basic256"] as const;

export const credentialsSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("anonymous") }),
  z.strictObject({ type: z.literal("userName"), userName: z.string().min(1), password: z.string() }),
]);

/** One OPC UA server and the fountains it serves. */
export const endpointSchema = z.strictObject({
  /** Stable id of the source, used in gaps and logs. */
  id: z.string().min(1).max(64),
  url: z.string().regex(/^opc\.tcp:\/\/.+/, "expected opc.tcp://host:port[/path]"),
  securityMode: securityModeSchema.default("None"),
  securityPolicy: securityPolicySchema.default("None"),
  credentials: credentialsSchema.default({ type: "anonymous" }),
  fountains: z.array(fountainMappingSchema).min(1),
});

/** Subscription parameters shared by every endpoint. */
export const subscriptionSchema = z.strictObject({
  publishingIntervalMs: z.number().int().min(10).max(60_000).default(500),
  samplingIntervalMs: z.number().int().min(0).max(60_000).default(1_000),
  queueSize: z.number().int().min(1).max(1_000).default(10),
  /** Absolute deadband in the source unit; 0 disables it. */
  deadband: z.number().min(0).default(0.05),
  /** Publishing intervals without a notification before the server sends a keep-alive. */
  maxKeepAliveCount: z.number().int().min(1).max(1_000).default(10),
  /** Publishing intervals without a publish request before the server deletes the subscription. */
  lifetimeCount: z.number().int().min(3).max(100_000).default(60),
});

/** Client certificate and trust lists (PKI folders in the node-opcua layout: own/, trusted/, rejected/, issuers/). */
export const pkiSchema = z.strictObject({
  folder: z.string().default(".data/telemetry/pki"),
  /** Development only: trust any server certificate. Always false (and refused) in production. */
  automaticallyAcceptUnknownCertificate: z.boolean().default(false),
});

export const reconnectSchema = z.strictObject({
  initialDelayMs: z.number().int().min(10).default(1_000),
  maxDelayMs: z.number().int().min(10).default(10_000),
  /** Timeout for the initial TCP connection and each transaction. */
  requestTimeoutMs: z.number().int().min(100).default(10_000),
});

/** The `gateway` section of telemetry.config.json. */
export const gatewayConfigSchema = z
  .strictObject({
    mode: z.enum(["development", "production"]).default("development"),
    applicationName: z.string().default("Fontaine telemetry gateway"),
    endpoints: z.array(endpointSchema).min(1),
    subscription: subscriptionSchema.default(subscriptionSchema.parse({})),
    pki: pkiSchema.default(pkiSchema.parse({})),
    reconnect: reconnectSchema.default(reconnectSchema.parse({})),
  })
  .superRefine((config, ctx) => {
    const fountainIds = new Set<string>();
    config.endpoints.forEach((endpoint, e) => {
      endpoint.fountains.forEach((fountain, f) => {
        if (fountainIds.has(fountain.fountainId))
          ctx.addIssue({
            code: "custom",
            path: ["endpoints", e, "fountains", f, "fountainId"],
            message: `duplicate fountainId ${fountain.fountainId}`,
          });
        fountainIds.add(fountain.fountainId);
      });
      const noSecurity = endpoint.securityMode === "None" || endpoint.securityPolicy === "None";
      if ((endpoint.securityMode === "None") !== (endpoint.securityPolicy === "None"))
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", e, "securityPolicy"],
          message: "securityMode None goes with securityPolicy None, and only with it",
        });
      if (endpoint.credentials.type === "userName" && noSecurity)
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", e, "credentials"],
          message: "a password is never sent over securityMode None; use Sign or SignAndEncrypt",
        });
      if (config.mode !== "production") return;
      if (noSecurity)
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", e, "securityMode"],
          message: "production mode refuses securityMode None; use Sign or SignAndEncrypt",
        });
      if ((DEPRECATED_SECURITY_POLICIES as readonly string[]).includes(endpoint.securityPolicy))
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", e, "securityPolicy"],
          message: `production mode refuses the deprecated policy ${endpoint.securityPolicy}; use Basic256Sha256 or newer`,
        });
    });
    if (config.mode === "production" && config.pki.automaticallyAcceptUnknownCertificate)
      ctx.addIssue({
        code: "custom",
        path: ["pki", "automaticallyAcceptUnknownCertificate"],
        message: "production mode never auto-trusts unknown certificates",
      });
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type EndpointConfig = z.output<typeof endpointSchema>;
export type FountainMapping = z.output<typeof fountainMappingSchema>;
export type SensorMapping = z.output<typeof sensorMappingSchema>;
export type SubscriptionConfig = z.output<typeof subscriptionSchema>;

/** Validates a raw gateway section (throws a ZodError with field paths). */
export function parseGatewayConfig(raw: unknown): GatewayConfig {
  return gatewayConfigSchema.parse(raw);
}
