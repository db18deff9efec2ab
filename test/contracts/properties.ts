import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, verifyTypedData } from "ethers";
import {
  AttestationPolicy,
  KeyStatus,
  Status,
  buildAttestTypedData,
  ethersTypes,
  reasonCode,
  type Hex,
} from "../../sdk";
import { DAY, DEADLINE, ORG, T0, fontaineFixture, request, signAttest, uidOf, type Fixture } from "../helpers/fontaine";

// 200 runs per property in `npm test`; the coverage run (instrumented, several times slower) only needs the code
// paths, which the example-based suites already cover, so it runs a short pass.
const UNDER_COVERAGE = Boolean(
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING,
);
const RUNS = UNDER_COVERAGE ? 20 : 200;
const SEED = 20_261_128;
const REASON = reasonCode("PROPERTY");

type Action =
  | { kind: "attest"; slot: number; expiryDays: number }
  | { kind: "revoke"; slot: number; byOtherOrg: boolean }
  | { kind: "endorse"; slot: number }
  | { kind: "withdraw"; slot: number }
  | { kind: "suspend"; slot: number }
  | { kind: "lift"; slot: number }
  | { kind: "time"; days: number };

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("attest" as const), slot: fc.nat(2), expiryDays: fc.nat(3) }),
  fc.record({ kind: fc.constant("revoke" as const), slot: fc.nat(2), byOtherOrg: fc.boolean() }),
  fc.record({ kind: fc.constant("endorse" as const), slot: fc.nat(2) }),
  fc.record({ kind: fc.constant("withdraw" as const), slot: fc.nat(2) }),
  fc.record({ kind: fc.constant("suspend" as const), slot: fc.nat(2) }),
  fc.record({ kind: fc.constant("lift" as const), slot: fc.nat(2) }),
  fc.record({ kind: fc.constant("time" as const), days: fc.integer({ min: 1, max: 2 }) }),
);

/** What the contract holds for one uid, read through its views. */
async function snapshot(fixture: Fixture, uid: string) {
  const { registry } = fixture.contracts;
  const record = await registry.attestation(uid);
  const endorsement = await registry.endorsement(uid);
  return {
    signer: record.signer,
    time: record.time,
    expiry: record.expiry,
    schema: record.schema,
    revoked: record.revoked,
    endorser: endorsement.signer,
    endorsedAt: endorsement.time,
    withdrawn: endorsement.withdrawn,
    suspended: await registry.isSuspended(uid),
  };
}

/** Reference verdict, written from the documented rules, from raw state read through the views. */
async function referenceStatus(fixture: Fixture, uid: string, now: number): Promise<number> {
  const { registry, federation } = fixture.contracts;
  const record = await registry.attestation(uid);
  if (record.signer === ZeroAddress) return Status.UNKNOWN;
  if (record.revoked) return Status.REVOKED;
  const key = await federation.keyRecord(record.signer);
  const schema = await registry.schemaOf(record.schema);
  if (
    Number(schema.policy) === AttestationPolicy.ACCREDITED_CERTIFIER &&
    !(await federation.isAccreditedAt(key.org, record.schema, record.time))
  ) {
    return Status.REVOKED;
  }
  if (key.compromisedFrom !== 0n && record.time >= key.compromisedFrom) return Status.KEY_COMPROMISED;
  const organisation = await federation.organisation(key.org);
  if ((await registry.isSuspended(uid)) || !organisation.active) return Status.SUSPENDED;
  if (record.expiry !== 0n && BigInt(now) >= record.expiry) return Status.EXPIRED;
  return Status.VALID;
}

describe("Properties (fast-check, fixed seed)", function () {
  this.timeout(600_000);

  it("should change records only through their documented transitions", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArbitrary, { minLength: 1, maxLength: 8 }), async (actions) => {
        const fixture = await loadFixture(fontaineFixture);
        const { registry, clock } = fixture.contracts;
        const { supplierKey, supplier2Key, certifierKey, governor } = fixture.signers;
        let now = T0;
        const fields = [0, 1, 2].map(() => request(fixture.schemas.childLabour, ORG.supplier));
        const uids = fields.map((f) => uidOf(f, supplierKey.address));
        for (const action of actions) {
          const slot = "slot" in action ? action.slot : 0;
          const uid = uids[slot]!;
          const before = await snapshot(fixture, uid);
          const others = await Promise.all(uids.filter((_, i) => i !== slot).map((u) => snapshot(fixture, u)));
          const exists = before.signer !== ZeroAddress;
          const live = before.endorser !== ZeroAddress && !before.withdrawn;
          let expected: Partial<typeof before> | undefined; // undefined: the call must revert
          let call: () => Promise<unknown>;
          switch (action.kind) {
            case "attest": {
              const expiry = action.expiryDays === 0 ? 0n : BigInt(now + action.expiryDays * DAY);
              fields[slot] = { ...fields[slot]!, expiry: exists ? fields[slot]!.expiry : expiry };
              call = () => registry.connect(supplierKey).attest(fields[slot]!);
              expected = exists ? undefined : { signer: supplierKey.address, time: BigInt(now) };
              if (!exists) uids[slot] = uidOf(fields[slot]!, supplierKey.address);
              break;
            }
            case "revoke":
              call = () => registry.connect(action.byOtherOrg ? supplier2Key : supplierKey).revoke(uid, REASON);
              expected = exists && !before.revoked && !action.byOtherOrg ? { revoked: true } : undefined;
              break;
            case "endorse":
              call = () => registry.connect(certifierKey).endorse(uid);
              expected =
                exists && !before.revoked && !live
                  ? { endorser: certifierKey.address, endorsedAt: BigInt(now), withdrawn: false }
                  : undefined;
              break;
            case "withdraw":
              call = () => registry.connect(certifierKey).withdrawEndorsement(uid, REASON);
              expected = live ? { withdrawn: true } : undefined;
              break;
            case "suspend":
              call = () => registry.connect(governor).suspend(uid, REASON);
              expected = before.suspended ? undefined : { suspended: true };
              break;
            case "lift":
              call = () => registry.connect(governor).liftSuspension(uid, REASON);
              expected = before.suspended ? { suspended: false } : undefined;
              break;
            case "time":
              now += action.days * DAY;
              call = () => clock.setTime(now);
              expected = {};
              break;
          }
          const target = uids[slot]!;
          if (expected === undefined) {
            await expect(call()).to.be.reverted;
            expect(await snapshot(fixture, target)).to.deep.equal(before);
          } else {
            await call();
            const after = await snapshot(fixture, target);
            if (action.kind === "attest") {
              expect(after.signer).to.equal(expected.signer);
              expect(after.time).to.equal(expected.time);
              expect(after.revoked).to.equal(false);
              expect(after.schema).to.equal(fixture.schemas.childLabour);
            } else {
              expect(after).to.deep.equal({ ...before, ...expected });
            }
          }
          // No transition ever touches another attestation.
          const othersAfter = await Promise.all(uids.filter((_, i) => i !== slot).map((u) => snapshot(fixture, u)));
          if (action.kind !== "attest") expect(othersAfter).to.deep.equal(others);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("should make the status a pure function of chain state and time", async function () {
    const scenario = fc.record({
      expiryDays: fc.nat(3),
      certifierSchema: fc.boolean(),
      revoke: fc.boolean(),
      suspend: fc.boolean(),
      suspendOrg: fc.boolean(),
      compromiseOffset: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
      withdrawAccreditation: fc.boolean(),
      readAtDays: fc.nat(4),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const fixture = await loadFixture(fontaineFixture);
        const { registry, federation, clock } = fixture.contracts;
        const key = s.certifierSchema ? fixture.signers.certifierKey : fixture.signers.supplierKey;
        const org = s.certifierSchema ? ORG.certifier : ORG.supplier;
        const schema = s.certifierSchema ? fixture.schemas.socialAudit : fixture.schemas.childLabour;
        await clock.setTime(T0 + DAY);
        const fields = request(schema, ORG.supplier, {
          expiry: s.expiryDays === 0 ? 0n : BigInt(T0 + DAY + s.expiryDays * DAY),
        });
        await registry.connect(key).attest(fields);
        const uid = uidOf(fields, key.address);
        await clock.setTime(T0 + 3 * DAY);
        if (s.revoke) await registry.connect(key).revoke(uid, REASON);
        if (s.suspend) await registry.suspend(uid, REASON);
        if (s.suspendOrg) await federation.suspend(org, REASON);
        if (s.compromiseOffset !== undefined)
          await federation.markCompromised(key.address, T0 + DAY + s.compromiseOffset);
        if (s.withdrawAccreditation) await federation.withdrawAccreditation(ORG.certifier, schema, REASON);
        const readAt = T0 + s.readAtDays * DAY;
        await clock.setTime(readAt);
        const [status] = await registry.statusOf(uid);
        const [again] = await registry.statusOf(uid);
        expect(again).to.equal(status);
        expect(Number(status)).to.equal(await referenceStatus(fixture, uid, readAt));
        expect(Number((await federation.signerAt(key.address, T0 + DAY)).status)).to.be.oneOf([
          KeyStatus.VALID,
          KeyStatus.COMPROMISED,
          KeyStatus.ORGANISATION_SUSPENDED,
        ]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("should store as attester the organisation of the recovered signer", async function () {
    const scenario = fc.record({
      signerIndex: fc.nat(4),
      claimedIndex: fc.nat(4),
      nonce: fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
      expiryDays: fc.nat(2),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const fixture = await loadFixture(fontaineFixture);
        const { registry, federation } = fixture.contracts;
        const { supplierKey, supplierKey2, supplier2Key, memberKey, outsider, relayer } = fixture.signers;
        const keys = [supplierKey, supplierKey2, supplier2Key, memberKey, outsider];
        const signer = keys[s.signerIndex]!;
        const claimed = keys[s.claimedIndex]!;
        const fields = request(fixture.schemas.childLabour, ORG.member, {
          nonce: s.nonce,
          expiry: s.expiryDays === 0 ? 0n : BigInt(T0 + s.expiryDays * DAY),
        });
        const { signature } = await signAttest(signer, fixture.domains.registry, fields);
        const typed = buildAttestTypedData(fixture.domains.registry, { ...fields, deadline: DEADLINE });
        const recovered = verifyTypedData(typed.domain, ethersTypes(typed), typed.message, signature);
        expect(recovered).to.equal(signer.address);
        const submit = registry.connect(relayer).attestBySig(fields, claimed.address, DEADLINE, signature);
        if (claimed !== signer) {
          await expect(submit).to.be.revertedWithCustomError(registry, "InvalidSignature");
          return;
        }
        if (signer === outsider) {
          await expect(submit).to.be.revertedWithCustomError(registry, "KeyNotUsable");
          return;
        }
        const receipt = await (await submit).wait();
        const event = registry.interface.parseLog(receipt!.logs[0]!)!;
        const uid = event.args.getValue("uid") as Hex;
        const org = (await federation.keyRecord(recovered)).org;
        expect(org).to.not.equal(ZeroHash);
        expect(event.args.getValue("attester")).to.equal(org);
        expect(event.args.getValue("signer")).to.equal(recovered);
        expect((await registry.attestation(uid)).signer).to.equal(recovered);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("should keep lot versions equal to committed events, and the first committer's organisation as owner", async function () {
    const step = fc.record({ lot: fc.nat(1), key: fc.nat(3), flag: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const fixture = await loadFixture(fontaineFixture);
        const { lots, federation } = fixture.contracts;
        const { supplierKey, supplierKey2, supplier2Key, memberKey } = fixture.signers;
        const keys = [supplierKey, supplierKey2, supplier2Key, memberKey];
        const lotIds = [
          request(ZeroHash as Hex, ZeroHash as Hex).digest,
          request(ZeroHash as Hex, ZeroHash as Hex).digest,
        ];
        const model = lotIds.map(() => ({ owner: ZeroHash as string, versions: 0, flagged: false }));
        for (const { lot, key, flag } of steps) {
          const signer = keys[key]!;
          const org = (await federation.keyRecord(signer.address)).org;
          const expected = model[lot]!;
          const mayWrite = expected.owner === ZeroHash || expected.owner === org;
          if (flag) {
            const call = lots.connect(signer).flag(lotIds[lot]!, REASON);
            if (expected.owner === org && !expected.flagged) {
              await call;
              expected.flagged = true;
            } else {
              await expect(call).to.be.reverted;
            }
          } else {
            const call = lots.connect(signer).commit(lotIds[lot]!, request(ZeroHash as Hex, ZeroHash as Hex).digest);
            if (mayWrite) {
              await call;
              expected.owner = org;
              expected.versions += 1;
            } else {
              await expect(call).to.be.revertedWithCustomError(lots, "NotLotOwner");
            }
          }
        }
        for (const [index, lotId] of lotIds.entries()) {
          const record = await lots.lot(lotId);
          const events = await lots.queryFilter(lots.filters.LotCommitted(lotId));
          expect(Number(record.versions)).to.equal(events.length);
          expect(events.map((event) => Number(event.args.version))).to.deep.equal(events.map((_, i) => i + 1));
          expect({ owner: record.owner, versions: Number(record.versions), flagged: record.flagged }).to.deep.equal(
            model[index],
          );
          for (const event of events) expect(event.args.owner).to.equal(record.owner);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("should change key records only as documented: fixed start, one retirement, compromise moving earlier", async function () {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("retire" as const), bySelf: fc.boolean() }),
      fc.record({ kind: fc.constant("compromise" as const), daysAgo: fc.nat(3), bySelf: fc.boolean() }),
      fc.record({ kind: fc.constant("time" as const), days: fc.integer({ min: 1, max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const fixture = await loadFixture(fontaineFixture);
        const { federation, clock } = fixture.contracts;
        const { supplierKey, governor } = fixture.signers;
        const key = supplierKey.address;
        let now = T0 + 3 * DAY;
        await clock.setTime(now);
        for (const action of steps) {
          const before = await federation.keyRecord(key);
          if (action.kind === "time") {
            now += action.days * DAY;
            await clock.setTime(now);
            continue;
          }
          const caller = action.bySelf ? supplierKey : governor;
          if (action.kind === "retire") {
            const call = federation.connect(caller).retireKey(key);
            if (before.validUntil === 0n) {
              await call;
              expect((await federation.keyRecord(key)).validUntil).to.equal(BigInt(now + 1));
            } else {
              await expect(call).to.be.revertedWithCustomError(federation, "KeyAlreadyRetired");
            }
          } else {
            const from = BigInt(now - action.daysAgo * DAY);
            const call = federation.connect(caller).markCompromised(key, from);
            if (before.compromisedFrom === 0n || from < before.compromisedFrom) {
              await call;
              expect((await federation.keyRecord(key)).compromisedFrom).to.equal(from);
            } else {
              await expect(call).to.be.revertedWithCustomError(federation, "InvalidCompromiseTime");
            }
          }
          const after = await federation.keyRecord(key);
          expect(after.org).to.equal(before.org);
          expect(after.validFrom).to.equal(before.validFrom);
          if (before.validUntil !== 0n) expect(after.validUntil).to.equal(before.validUntil);
          if (before.compromisedFrom !== 0n) expect(after.compromisedFrom <= before.compromisedFrom).to.equal(true);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
