/**
 * `npm run bench:gas`: gas of Fontaine against the Ethereum Attestation Service (EAS 1.4, from its published
 * artifacts) in the same Hardhat network (hardfork cancun), for equivalent data: one bytes32 digest, a subject, an
 * expiry. Prints a table and writes bench/results/gas.json as { fontaine, eas, ratios } (ratio = Fontaine / EAS).
 *
 * Every figure is the median gasUsed of several transactions in steady state (each signer has signed before, so
 * EAS's nonce slot is already non-zero, as in real use).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import hre from "hardhat";
import { AbiCoder, ContractFactory, Signature, ZeroAddress, ZeroHash, type Contract, type Signer } from "ethers";
import easArtifact from "@ethereum-attestation-service/eas-contracts/artifacts/contracts/EAS.sol/EAS.json";
import schemaRegistryArtifact from "@ethereum-attestation-service/eas-contracts/artifacts/contracts/SchemaRegistry.sol/SchemaRegistry.json";
import { deployFontaine } from "../deploy/fontaine";
import {
  AttestationPolicy,
  attestationRegistryDomain,
  buildAttestTypedData,
  buildBatchTree,
  ethersTypes,
  lotRegistryDomain,
  newLotId,
  newSalt,
  OrgKind,
  reasonCode,
  schemaDefinitionBytes,
  typedDataDigest,
  buildCommitTypedData,
} from "../../sdk";

const RUNS = 5;
const BATCH_SIZE = 256;
const EAS_MULTI_SIZE = 100;
const TARGETS = { attestBySig: 0.35, attest: 0.35, batchPerItem: 0.002 } as const;

async function gasOf(pending: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await pending).wait();
  if (!receipt) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function repeat(times: number, run: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < times; i++) values.push(await run());
  return median(values);
}

async function benchFontaine(deployer: Signer, supplierKey: Signer, relayer: Signer, expiry: bigint) {
  const { federation, attestationRegistry, lotRegistry, deployment } = await deployFontaine(deployer, {
    relayer: await relayer.getAddress(),
    network: hre.network.name,
  });
  const org = newSalt();
  const supplierAddress = await supplierKey.getAddress();
  await (await federation.admit(org, OrgKind.SUPPLIER, ZeroHash)).wait();
  await (await federation.addKey(org, supplierAddress)).wait();
  const definition = schemaDefinitionBytes({ name: "bench", fields: [{ name: "digest", type: "bytes32" }] });
  await (await attestationRegistry.registerSchema(definition, AttestationPolicy.SELF_DECLARATION, 0)).wait();
  const schema = (await attestationRegistry.queryFilter(attestationRegistry.filters.SchemaRegistered()))[0]!.args
    .schema;
  const domain = attestationRegistryDomain(deployment.chainId, deployment.contracts.AttestationRegistry.address);
  const deadline = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp + 3600);
  const request = () => ({ schema, subject: org, digest: newSalt(), expiry, ref: ZeroHash, nonce: BigInt(newSalt()) });

  const asSupplier = attestationRegistry.connect(supplierKey);
  const attest = await repeat(RUNS, () => gasOf(asSupplier.attest(request())));

  const asRelayer = attestationRegistry.connect(relayer);
  const attestBySig = await repeat(RUNS, async () => {
    const fields = request();
    const typed = buildAttestTypedData(domain, { ...fields, deadline });
    const signature = await supplierKey.signTypedData(typed.domain, ethersTypes(typed), typed.message);
    return gasOf(asRelayer.attestBySig(fields, supplierAddress, deadline, signature));
  });

  const leaves = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const typed = buildAttestTypedData(domain, { ...request(), deadline });
    leaves.push({ attestDigest: typedDataDigest(typed), signer: supplierAddress });
  }
  const tree = buildBatchTree(leaves);
  const batchTotal = await gasOf(asRelayer.anchorBatch(tree.root, BATCH_SIZE));

  const revoke = await repeat(RUNS, async () => {
    const fields = request();
    const receipt = await (await asSupplier.attest(fields)).wait();
    const uid = asSupplier.interface.parseLog(receipt!.logs[0]!)!.args.getValue("uid") as string;
    return gasOf(asSupplier.revoke(uid, reasonCode("BENCH")));
  });

  const asLotOwner = lotRegistry.connect(supplierKey);
  const commit = await repeat(RUNS, () => gasOf(asLotOwner.commit(newLotId(), newSalt())));
  const lotId = newLotId();
  await (await asLotOwner.commit(lotId, newSalt())).wait();
  const commitAmend = await repeat(RUNS, () => gasOf(asLotOwner.commit(lotId, newSalt())));
  const lotDomain = lotRegistryDomain(deployment.chainId, deployment.contracts.LotRegistry.address);
  const commitBySig = await repeat(RUNS, async () => {
    const typed = buildCommitTypedData(lotDomain, { lotId: newLotId(), commitment: newSalt(), nonce: 1n, deadline });
    typed.message.nonce = BigInt(newSalt()).toString();
    const signature = await supplierKey.signTypedData(typed.domain, ethersTypes(typed), typed.message);
    const m = typed.message;
    return gasOf(
      lotRegistry.connect(relayer).commitBySig(m.lotId, m.commitment, m.nonce, m.deadline, supplierAddress, signature),
    );
  });

  return {
    attest,
    attestBySig,
    batch256Total: batchTotal,
    batchPerItem: Math.round((batchTotal / BATCH_SIZE) * 100) / 100,
    revoke,
    commit,
    commitAmend,
    commitBySig,
  };
}

async function benchEas(deployer: Signer, attester: Signer, relayer: Signer, expiry: bigint) {
  const registry = (await new ContractFactory(
    schemaRegistryArtifact.abi,
    schemaRegistryArtifact.bytecode,
    deployer,
  ).deploy()) as Contract;
  await registry.waitForDeployment();
  const eas = (await new ContractFactory(easArtifact.abi, easArtifact.bytecode, deployer).deploy(
    await registry.getAddress(),
  )) as Contract;
  await eas.waitForDeployment();
  const registerReceipt = await (await registry.getFunction("register")("bytes32 digest", ZeroAddress, true)).wait();
  const schema = registry.interface.parseLog(registerReceipt!.logs[0]!)!.args.getValue("uid") as string;
  const attesterAddress = await attester.getAddress();
  const recipient = await relayer.getAddress();
  const coder = AbiCoder.defaultAbiCoder();
  const data = () => ({
    recipient,
    expirationTime: expiry,
    revocable: true,
    refUID: ZeroHash,
    data: coder.encode(["bytes32"], [newSalt()]),
    value: 0n,
  });

  const asAttester = eas.connect(attester) as Contract;
  const attest = await repeat(RUNS, () => gasOf(asAttester.getFunction("attest")({ schema, data: data() })));

  const network = await hre.ethers.provider.getNetwork();
  const domain = { name: "EAS", version: "1.4.0", chainId: network.chainId, verifyingContract: await eas.getAddress() };
  const types = {
    Attest: [
      { name: "attester", type: "address" },
      { name: "schema", type: "bytes32" },
      { name: "recipient", type: "address" },
      { name: "expirationTime", type: "uint64" },
      { name: "revocable", type: "bool" },
      { name: "refUID", type: "bytes32" },
      { name: "data", type: "bytes" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint64" },
    ],
  };
  const deadline = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp + 3600);
  const asRelayer = eas.connect(relayer) as Contract;
  const delegated = async () => {
    const fields = data();
    const nonce = (await eas.getFunction("getNonce")(attesterAddress)) as bigint;
    const raw = await attester.signTypedData(domain, types, {
      attester: attesterAddress,
      schema,
      ...fields,
      nonce,
      deadline,
    });
    const signature = Signature.from(raw);
    return gasOf(
      asRelayer.getFunction("attestByDelegation")({
        schema,
        data: fields,
        signature: { v: signature.v, r: signature.r, s: signature.s },
        attester: attesterAddress,
        deadline,
      }),
    );
  };
  await delegated(); // first delegation moves the attester's nonce off zero; measure the steady state after it
  const attestByDelegation = await repeat(RUNS, delegated);

  const multiTotal = await gasOf(
    asAttester.getFunction("multiAttest")([{ schema, data: Array.from({ length: EAS_MULTI_SIZE }, data) }]),
  );

  const revoke = await repeat(RUNS, async () => {
    const receipt = await (await asAttester.getFunction("attest")({ schema, data: data() })).wait();
    const uid = eas.interface.parseLog(receipt!.logs[0]!)!.args.getValue("uid") as string;
    return gasOf(asAttester.getFunction("revoke")({ schema, data: { uid, value: 0n } }));
  });

  return {
    attest,
    attestByDelegation,
    multiAttest100Total: multiTotal,
    multiAttestPerItem: Math.round((multiTotal / EAS_MULTI_SIZE) * 100) / 100,
    revoke,
  };
}

async function main(): Promise<void> {
  const [deployer, attester, relayer] = await hre.ethers.getSigners();
  if (!deployer || !attester || !relayer) throw new Error("need three accounts");
  const expiry = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp + 365 * 24 * 3600);
  const fontaine = await benchFontaine(deployer, attester, relayer, expiry);
  const eas = await benchEas(deployer, attester, relayer, expiry);
  const ratio = (a: number, b: number) => Math.round((a / b) * 10_000) / 10_000;
  const ratios = {
    attestBySig: ratio(fontaine.attestBySig, eas.attestByDelegation),
    attest: ratio(fontaine.attest, eas.attest),
    batchPerItem: ratio(fontaine.batchPerItem, eas.multiAttestPerItem),
  };

  const rows: [string, number, number | string, number | string][] = [
    ["attestBySig / attestByDelegation", fontaine.attestBySig, eas.attestByDelegation, ratios.attestBySig],
    ["attest / attest", fontaine.attest, eas.attest, ratios.attest],
    [
      `batch per item (${BATCH_SIZE} / ${EAS_MULTI_SIZE})`,
      fontaine.batchPerItem,
      eas.multiAttestPerItem,
      ratios.batchPerItem,
    ],
    ["revoke / revoke", fontaine.revoke, eas.revoke, ratio(fontaine.revoke, eas.revoke)],
    ["lot commit (new lot)", fontaine.commit, "-", "-"],
    ["lot commit (amendment)", fontaine.commitAmend, "-", "-"],
    ["lot commitBySig (new lot)", fontaine.commitBySig, "-", "-"],
  ];
  console.log(`${"operation".padEnd(34)} ${"Fontaine".padStart(10)} ${"EAS".padStart(10)} ${"ratio".padStart(8)}`);
  for (const [name, ours, theirs, r] of rows) {
    console.log(
      `${name.padEnd(34)} ${String(ours).padStart(10)} ${String(theirs).padStart(10)} ${String(r).padStart(8)}`,
    );
  }

  const file = path.join(__dirname, "..", "..", "bench", "results", "gas.json");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ fontaine, eas, ratios }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);

  const missed = (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).filter((key) => ratios[key] > TARGETS[key]);
  if (missed.length > 0) {
    console.error(`targets missed: ${missed.map((key) => `${key} ${ratios[key]} > ${TARGETS[key]}`).join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
