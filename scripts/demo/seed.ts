/**
 * The demo federation of `npm start -- --demo`: a governor, two suppliers, an accredited certifier,
 * two member organisers, schemas with FR/NL/EN labels, attestations with PDF evidence (one endorsed,
 * one revoked), and telemetry access for the members. Governance goes straight to the contracts
 * with the governor's key; attestations go through the API exactly as a supplier's browser would
 * (prepare → sign typed data in the wallet → submit → relayed and recorded).
 */
import fs from "node:fs";
import path from "node:path";
import { SiweMessage } from "siwe";
import {
  HDNodeWallet,
  id as textId,
  JsonRpcProvider,
  NonceManager,
  type TransactionResponse,
  type TypedDataField,
} from "ethers";
import { mined } from "../../sdk/chain";
import { fileDigest, metadataDigest, schemaDefinitionBytes, schemaId, type Hex } from "../../sdk/hashing";
import { parseDeployment } from "../../sdk/deployment";
import { AttestationPolicy, OrgKind } from "../../sdk/status";
import { AttestationRegistry__factory, Federation__factory } from "../../typechain-types";
import { LOCAL_MNEMONIC } from "../start/chain-node";
import { evidencePdf } from "./evidence-pdf";

type Role = "governor" | "supplier" | "certifier" | "member";

/** One demo account as written to `<data folder>/demo-accounts.json`. */
export interface DemoAccount {
  organisation: string;
  organisationId: Hex | null;
  role: Role;
  address: string;
  privateKey: string;
  telemetryToken?: string;
  telemetryOrganisation?: string;
}

interface DemoOrganisation {
  slug: string;
  name: string;
  kind: "supplier" | "certifier" | "member";
  accountIndex: number;
  city: string;
  telemetryOrganisation?: string;
}

/** Account 0 governs, 1 relays (see scripts/start/deployment.ts); organisations use 2…6. */
const ORGANISATIONS: DemoOrganisation[] = [
  { slug: "cacao-coop-sud", name: "Cacao Coop Sud", kind: "supplier", accountIndex: 2, city: "San Pedro (CI)" },
  { slug: "chocolaterie-meuse", name: "Chocolaterie de la Meuse", kind: "supplier", accountIndex: 3, city: "Namur" },
  { slug: "auditcert", name: "AuditCert Belgium", kind: "certifier", accountIndex: 4, city: "Bruxelles" },
  {
    slug: "fondue-fiesta",
    name: "Fondue Fiesta",
    kind: "member",
    accountIndex: 5,
    city: "Liège",
    telemetryOrganisation: "org-01",
  },
  {
    slug: "chocoladefontein-gent",
    name: "Chocoladefontein Gent",
    kind: "member",
    accountIndex: 6,
    city: "Gent",
    telemetryOrganisation: "org-02",
  },
];

const SCHEMAS = [
  {
    key: "fair-trade-purchase",
    policy: "self" as const,
    definition: {
      name: "fair-trade-purchase",
      version: 1,
      labels: { fr: "Achat de cacao équitable", nl: "Eerlijke aankoop van cacao", en: "Fair-trade cocoa purchase" },
      fields: ["certificateNumber", "volumeBand", "period"],
      attester: "self-declaration",
      defaultValiditySeconds: 365 * 86400,
    },
  },
  {
    key: "child-labour-due-diligence",
    policy: "self" as const,
    definition: {
      name: "child-labour-due-diligence",
      version: 1,
      labels: {
        fr: "Diligence raisonnable travail des enfants",
        nl: "Zorgvuldigheid inzake kinderarbeid",
        en: "Child-labour due diligence",
      },
      fields: ["year", "statementReference"],
      attester: "self-declaration",
      defaultValiditySeconds: 365 * 86400,
    },
  },
  {
    key: "social-audit",
    policy: "certifier" as const,
    definition: {
      name: "social-audit",
      version: 1,
      labels: { fr: "Audit social indépendant", nl: "Onafhankelijke sociale audit", en: "Independent social audit" },
      fields: ["auditReport", "standard", "auditDate"],
      attester: "accredited-certifier",
      defaultValiditySeconds: 2 * 365 * 86400,
    },
  },
  {
    key: "living-wage",
    policy: "self" as const,
    definition: {
      name: "living-wage",
      version: 1,
      labels: { fr: "Engagement salaire vital", nl: "Engagement leefbaar loon", en: "Living-wage commitment" },
      fields: ["policyReference"],
      attester: "self-declaration",
      defaultValiditySeconds: 365 * 86400,
    },
  },
];

function wallet(index: number, provider: JsonRpcProvider): HDNodeWallet {
  return HDNodeWallet.fromPhrase(LOCAL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).connect(provider);
}

/** Deterministic demo organisation id (a real federation would use random ids). */
function organisationId(slug: string): Hex {
  return textId(`fontaine-demo:${slug}`) as Hex;
}

async function api<T>(apiUrl: string, method: string, route: string, body?: unknown, cookie?: string): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  const response = await fetch(`${apiUrl}${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface TypedData {
  domain: Record<string, unknown>;
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

async function signTypedData(signer: HDNodeWallet, typedData: TypedData): Promise<string> {
  const types = { ...typedData.types };
  delete types.EIP712Domain;
  return signer.signTypedData(typedData.domain, types, typedData.message);
}

async function waitForAttestation(apiUrl: string, uid: string, accept: (body: AttestationView) => boolean) {
  const deadline = Date.now() + 120_000;
  let last: AttestationView | undefined;
  while (Date.now() < deadline) {
    try {
      last = await api<AttestationView>(apiUrl, "GET", `/v1/attestations/${uid}`);
      if (accept(last)) return last;
      if (last.relay?.status === "failed") throw new Error(`relaying ${uid} failed: ${last.relay.error}`);
    } catch (error) {
      if (!/→ 404/.test(String(error))) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`attestation ${uid} not recorded in time (last: ${JSON.stringify(last)})`);
}

interface AttestationView {
  uid: string;
  status: string;
  endorsed: boolean;
  relay: { status: string; error: string | null } | null;
}

/** Signs in with Ethereum as `signer`, as the sign-in page does; returns the session cookie. */
async function signIn(apiUrl: string, signer: HDNodeWallet): Promise<string> {
  const nonce = await api<{ nonce: string; domain: string; uri: string; chainId: number }>(
    apiUrl,
    "GET",
    "/v1/auth/nonce",
  );
  const message = new SiweMessage({
    domain: nonce.domain,
    address: signer.address,
    statement: "Sign in to Fontaine",
    uri: nonce.uri,
    version: "1",
    chainId: nonce.chainId,
    nonce: nonce.nonce,
    issuedAt: new Date().toISOString(),
  }).prepareMessage();
  const response = await fetch(`${apiUrl}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature: await signer.signMessage(message) }),
  });
  if (!response.ok) throw new Error(`sign-in of ${signer.address} failed: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  return cookies.join("; ");
}

/** Creates a lot as the signed-in organisation (prepare → sign the commitment → submit) and waits until recorded. */
async function createLot(apiUrl: string, cookie: string, signer: HDNodeWallet, fields: Record<string, unknown>) {
  const prepared = await api<{ typedData: TypedData; record: { lotId: string }; salt: string }>(
    apiUrl,
    "POST",
    "/v1/lots/prepare",
    fields,
    cookie,
  );
  await api(
    apiUrl,
    "POST",
    "/v1/lots",
    {
      record: prepared.record,
      salt: prepared.salt,
      message: prepared.typedData.message,
      signer: signer.address,
      signature: await signTypedData(signer, prepared.typedData),
    },
    cookie,
  );
  const lotId = prepared.record.lotId;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const lot = await api<{ relayStatus: string | null }>(apiUrl, "GET", `/v1/lots/${lotId}`, undefined, cookie);
    if (lot.relayStatus === "anchored") return lotId;
    if (lot.relayStatus === "failed") throw new Error(`recording lot ${lotId} failed`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`lot ${lotId} not recorded in time`);
}

/** Seeds the demo once; returns the accounts (also written to `<dataDir>/demo-accounts.json`). */
export async function seedDemo(options: {
  rpcUrl: string;
  apiUrl: string;
  deploymentFile: string;
  dataDir: string;
  log: (line: string) => void;
}): Promise<DemoAccount[]> {
  const accountsFile = path.join(options.dataDir, "demo-accounts.json");
  if (fs.existsSync(accountsFile)) {
    options.log("demo already seeded");
    return JSON.parse(fs.readFileSync(accountsFile, "utf8")) as DemoAccount[];
  }
  const deployment = parseDeployment(JSON.parse(fs.readFileSync(options.deploymentFile, "utf8")));
  const provider = new JsonRpcProvider(options.rpcUrl, deployment.chainId, { staticNetwork: true });
  try {
    const governorWallet = wallet(0, provider);
    const governor = new NonceManager(governorWallet);
    const federation = Federation__factory.connect(deployment.contracts.Federation.address, governor);
    const registry = AttestationRegistry__factory.connect(deployment.contracts.AttestationRegistry.address, governor);
    const confirm = async (pending: Promise<TransactionResponse>) => void (await mined(pending));

    options.log("demo: admitting organisations…");
    const kinds = { supplier: OrgKind.SUPPLIER, certifier: OrgKind.CERTIFIER, member: OrgKind.MEMBER };
    const evidenceFolder = path.join(options.dataDir, "demo", "evidence");
    fs.mkdirSync(evidenceFolder, { recursive: true });
    const profiles: Record<string, unknown> = {};
    for (const organisation of ORGANISATIONS) {
      const metadata = { name: organisation.name, kind: organisation.kind, city: organisation.city, country: "BE" };
      profiles[organisationId(organisation.slug)] = metadata;
      await confirm(
        federation.admit(organisationId(organisation.slug), kinds[organisation.kind], metadataDigest(metadata)),
      );
      await confirm(
        federation.addKey(organisationId(organisation.slug), wallet(organisation.accountIndex, provider).address),
      );
    }
    // The public profiles whose digests are on chain: anyone can check a name against its digest.
    fs.writeFileSync(
      path.join(options.dataDir, "demo", "organisation-profiles.json"),
      JSON.stringify(profiles, null, 2),
    );
    // Publish them to the API (it stores a profile only when its digest is the recorded one) once indexed.
    for (const [id, profile] of Object.entries(profiles)) {
      const deadline = Date.now() + 120_000;
      for (;;) {
        try {
          await api(options.apiUrl, "PUT", `/v1/organisations/${id}/profile`, profile);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    }

    options.log("demo: approving schemas and accrediting the certifier…");
    const schemaIds: Record<string, Hex> = {};
    for (const schema of SCHEMAS) {
      const policy =
        schema.policy === "self" ? AttestationPolicy.SELF_DECLARATION : AttestationPolicy.ACCREDITED_CERTIFIER;
      await confirm(
        registry.registerSchema(
          schemaDefinitionBytes(schema.definition),
          policy,
          schema.definition.defaultValiditySeconds,
        ),
      );
      schemaIds[schema.key] = schemaId(schema.definition);
    }
    const now = (await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
    for (const schema of ["social-audit", "child-labour-due-diligence", "fair-trade-purchase"]) {
      await confirm(federation.accredit(organisationId("auditcert"), schemaIds[schema] as Hex, now + 3 * 365 * 86400));
    }

    options.log("demo: suppliers sign attestations with evidence…");
    const attest = async (slug: string, accountIndex: number, schema: string, file: string, lines: string[]) => {
      const pdf = evidencePdf(file.replace(/\.pdf$/, ""), lines);
      fs.writeFileSync(path.join(evidenceFolder, file), pdf);
      const signer = wallet(accountIndex, provider);
      const prepared = await api<{ typedData: TypedData; uid: string | null }>(
        options.apiUrl,
        "POST",
        "/v1/attestations/prepare",
        {
          schema: schemaIds[schema],
          subject: organisationId(slug),
          digest: fileDigest(pdf),
          signer: signer.address,
        },
      );
      const signature = await signTypedData(signer, prepared.typedData);
      const accepted = await api<{ uid: string }>(options.apiUrl, "POST", "/v1/attestations", {
        message: prepared.typedData.message,
        signer: signer.address,
        signature,
      });
      return waitForAttestation(options.apiUrl, accepted.uid, (view) => view.status === "VALID");
    };
    const fairTrade = await attest("cacao-coop-sud", 2, "fair-trade-purchase", "cacao-coop-sud-fairtrade-2026.pdf", [
      "Certificate FT-2026-0142 - Cacao Coop Sud",
      "Volume band: 100-250 t; period: 2026",
    ]);
    const dueDiligence = await attest(
      "cacao-coop-sud",
      2,
      "child-labour-due-diligence",
      "cacao-coop-sud-child-labour-2026.pdf",
      ["Child-labour due-diligence statement 2026", "Reference CLDD-2026-07"],
    );
    const livingWage = await attest("chocolaterie-meuse", 3, "living-wage", "chocolaterie-meuse-living-wage.pdf", [
      "Living-wage commitment - Chocolaterie de la Meuse",
      "Policy LW-2025-3 (withdrawn after review)",
    ]);
    const audit = await attest("auditcert", 4, "social-audit", "auditcert-social-audit-cacao-coop-sud.pdf", [
      "Independent social audit of Cacao Coop Sud",
      "Standard SA8000-like; audit date 2026-09-14; result: compliant",
    ]);

    options.log("demo: the certifier endorses, a supplier revokes…");
    const certifier = wallet(4, provider);
    const endorsement = await api<{ typedData: TypedData }>(
      options.apiUrl,
      "POST",
      `/v1/attestations/${dueDiligence.uid}/endorsement/prepare`,
      {},
    );
    await api(options.apiUrl, "POST", `/v1/attestations/${dueDiligence.uid}/endorsement`, {
      message: endorsement.typedData.message,
      signer: certifier.address,
      signature: await signTypedData(certifier, endorsement.typedData),
    });
    await waitForAttestation(options.apiUrl, dueDiligence.uid, (view) => view.endorsed);
    const maker = wallet(3, provider);
    const revocation = await api<{ typedData: TypedData }>(
      options.apiUrl,
      "POST",
      `/v1/attestations/${livingWage.uid}/revocation/prepare`,
      { reason: "POLICY_WITHDRAWN" },
    );
    await api(options.apiUrl, "POST", `/v1/attestations/${livingWage.uid}/revocation`, {
      message: revocation.typedData.message,
      signer: maker.address,
      signature: await signTypedData(maker, revocation.typedData),
    });
    await waitForAttestation(options.apiUrl, livingWage.uid, (view) => view.status === "REVOKED");

    options.log("demo: lots from cocoa to fondue, with bundles and a share link…");
    const coop = wallet(2, provider);
    const coopSession = await signIn(options.apiUrl, coop);
    const beans = await createLot(options.apiUrl, coopSession, coop, {
      product: "Fèves de cacao fermentées et séchées",
      quantity: "1000",
      unit: "kg",
      producedOn: "2026-09-30",
      attestations: [fairTrade.uid, dueDiligence.uid],
    });
    const beansBundle = await api(options.apiUrl, "POST", `/v1/lots/${beans}/bundle`, undefined, coopSession);
    const makerSession = await signIn(options.apiUrl, maker);
    await api(options.apiUrl, "POST", "/v1/bundles", beansBundle, makerSession);
    const couverture = await createLot(options.apiUrl, makerSession, maker, {
      product: "Chocolat de couverture noir 70 %",
      quantity: "400",
      unit: "kg",
      producedOn: "2026-10-20",
      parents: [{ lotId: beans, quantity: "300" }],
    });
    const couvertureBundle = await api(
      options.apiUrl,
      "POST",
      `/v1/lots/${couverture}/bundle`,
      undefined,
      makerSession,
    );
    const organiser = wallet(5, provider);
    const organiserSession = await signIn(options.apiUrl, organiser);
    await api(options.apiUrl, "POST", "/v1/bundles", couvertureBundle, organiserSession);
    const fondue = await createLot(options.apiUrl, organiserSession, organiser, {
      product: "Fondue au chocolat noir — salon de Liège",
      quantity: "40",
      unit: "kg",
      producedOn: "2026-11-21",
      parents: [{ lotId: couverture, quantity: "40" }],
    });
    const share = await api<{ url: string; expiresAt: string }>(
      options.apiUrl,
      "POST",
      `/v1/lots/${fondue}/shares`,
      { expiresInSeconds: 365 * 86400 },
      organiserSession,
    );

    const accounts: DemoAccount[] = [
      {
        organisation: "FOFAC (governor)",
        organisationId: null,
        role: "governor",
        address: governorWallet.address,
        privateKey: governorWallet.privateKey,
      },
      ...ORGANISATIONS.map((organisation) => {
        const key = wallet(organisation.accountIndex, provider);
        return {
          organisation: organisation.name,
          organisationId: organisationId(organisation.slug),
          role: organisation.kind,
          address: key.address,
          privateKey: key.privateKey,
          ...(organisation.telemetryOrganisation ? { telemetryOrganisation: organisation.telemetryOrganisation } : {}),
        };
      }),
    ];
    const summary = {
      attestations: {
        fairTrade: fairTrade.uid,
        dueDiligence: dueDiligence.uid,
        livingWage: livingWage.uid,
        audit: audit.uid,
      },
      lots: { beans, couverture, fondue },
      shareLink: share.url,
      shareExpiresAt: share.expiresAt,
      evidenceFolder,
    };
    // Where the demo put things, for people and for scripts (share link, lot ids, attestation uids).
    fs.writeFileSync(path.join(options.dataDir, "demo", "summary.json"), JSON.stringify(summary, null, 2));
    fs.writeFileSync(accountsFile, JSON.stringify(accounts, null, 2) + "\n", { mode: 0o600 });
    return accounts;
  } finally {
    provider.destroy();
  }
}
