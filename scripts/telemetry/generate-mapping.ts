/**
 * Browses an OPC UA server and prints a gateway endpoint section (mapping included) as JSON.
 *
 *   npx tsx scripts/telemetry/generate-mapping.ts --url opc.tcp://127.0.0.1:4840 \
 *     [--id simulator] [--root "ns=1;s=Fountains"] [--organisation org-01] [--chocolate dark] \
 *     [--security-mode SignAndEncrypt --security-policy Basic256Sha256 --pki .data/telemetry/pki]
 *
 * Review the result (positions, chocolate, organisation) before pasting it into telemetry.config.json.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import {
  chocolateTypeSchema,
  endpointSchema,
  securityModeSchema,
  securityPolicySchema,
} from "../../telemetry/gateway/config";

async function main(): Promise<void> {
  // node-opcua logs through console.log: keep stdout for the JSON alone.
  console.log = (...args: unknown[]) => console.error(...args);
  const { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy } = await import("node-opcua");
  const { discoverFountainMappings } = await import("../../telemetry/gateway/mapping-discovery");
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      id: { type: "string", default: "plant" },
      root: { type: "string" },
      organisation: { type: "string", default: "org-01" },
      chocolate: { type: "string", default: "dark" },
      "security-mode": { type: "string", default: "None" },
      "security-policy": { type: "string", default: "None" },
      pki: { type: "string", default: ".data/telemetry/pki" },
    },
  });
  if (!values.url) throw new Error("--url opc.tcp://host:port is required");
  const securityMode = securityModeSchema.parse(values["security-mode"]);
  const securityPolicy = securityPolicySchema.parse(values["security-policy"]);
  const chocolate = chocolateTypeSchema.parse(values.chocolate);
  const client = OPCUAClient.create({
    applicationName: "Fontaine mapping generator",
    endpointMustExist: false,
    securityMode: MessageSecurityMode[securityMode],
    securityPolicy: SecurityPolicy[securityPolicy],
    // Same trust store as the gateway: an unknown server certificate is refused, never auto-trusted.
    clientCertificateManager: new OPCUACertificateManager({
      rootFolder: path.resolve(values.pki),
      automaticallyAcceptUnknownCertificate: false,
    }),
    connectionStrategy: { maxRetry: 0 },
  });
  await client.connect(values.url);
  try {
    const session = await client.createSession();
    try {
      const { fountains, warnings } = await discoverFountainMappings(session, {
        rootNodeId: values.root,
        organisationId: values.organisation,
        chocolate,
      });
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      if (fountains.length === 0) throw new Error("no object with a temperature variable found; try --root");
      const endpoint = endpointSchema.parse({
        id: values.id,
        url: values.url,
        securityMode,
        securityPolicy,
        fountains,
      });
      process.stdout.write(`${JSON.stringify(endpoint, null, 2)}\n`);
    } finally {
      await session.close();
    }
  } finally {
    await client.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`generate-mapping: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
