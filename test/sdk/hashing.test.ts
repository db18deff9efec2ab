import { expect } from "chai";
import { ZeroHash as ZERO, concat, keccak256, toUtf8Bytes } from "ethers";
import {
  HASH_TAGS,
  HashingError,
  canonicalJson,
  claimDigest,
  decodeReasonCode,
  REVOCATION_REASONS,
  reasonText,
  fileDigest,
  isBytes32,
  lotCommitment,
  metadataDigest,
  newLotId,
  newSalt,
  reasonCode,
  schemaDefinitionBytes,
  schemaId,
} from "../../sdk";

describe("sdk/hashing", function () {
  describe("canonicalJson", function () {
    it("should match the RFC 8785 §3.2.2 example", function () {
      // Input and expected output from RFC 8785 (JSON Canonicalization Scheme), section 3.2.2 and 3.2.3.
      const input = JSON.parse(
        '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
          '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
      );
      expect(canonicalJson(input)).to.equal(
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
          '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
      );
    });

    it("should sort keys by UTF-16 code units and ignore insertion order", function () {
      expect(canonicalJson({ b: 1, a: 2, é: 3, A: 4 })).to.equal('{"A":4,"a":2,"b":1,"é":3}');
      expect(canonicalJson({ x: { z: 1, y: [3, { b: 1, a: 0 }] } })).to.equal(
        canonicalJson({ x: { y: [3, { a: 0, b: 1 }], z: 1 } }),
      );
    });

    it("should refuse values that have no canonical JSON", function () {
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, undefined, "\ud800"]) {
        expect(() => canonicalJson(value)).to.throw(HashingError);
      }
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      expect(() => canonicalJson(cycle)).to.throw(HashingError);
    });
  });

  describe("salts and lot ids", function () {
    it("should draw 32 fresh random bytes each time", function () {
      const salts = new Set(Array.from({ length: 64 }, () => newSalt()));
      expect(salts.size).to.equal(64);
      for (const salt of salts) expect(isBytes32(salt)).to.equal(true);
      expect(isBytes32(newLotId())).to.equal(true);
      expect(newLotId()).to.not.equal(newLotId());
    });
  });

  describe("digests", function () {
    it("should compute claim digests as keccak256(tag ‖ salt ‖ canonical JSON)", function () {
      const salt = newSalt();
      const claim = { certificate: "FT-1", volume: 12 };
      expect(claimDigest(claim, salt)).to.equal(
        keccak256(concat([HASH_TAGS.claim, salt, toUtf8Bytes('{"certificate":"FT-1","volume":12}')])),
      );
      expect(claimDigest({ volume: 12, certificate: "FT-1" }, salt)).to.equal(claimDigest(claim, salt));
      expect(claimDigest(claim, newSalt())).to.not.equal(claimDigest(claim, salt));
    });

    it("should separate domains: the same input never gives the same digest in two kinds", function () {
      const salt = newSalt();
      const value = { a: 1 };
      const digests = [claimDigest(value, salt), lotCommitment(value, salt), schemaId(value), metadataDigest(value)];
      expect(new Set(digests).size).to.equal(4);
      const bytes = toUtf8Bytes(canonicalJson(value));
      expect(fileDigest(bytes)).to.not.equal(schemaId(value));
    });

    it("should refuse salts that are not 32 bytes", function () {
      expect(() => claimDigest({}, "0x1234")).to.throw(HashingError, /salt/);
      expect(() => lotCommitment({}, "nope")).to.throw(HashingError, /salt/);
    });

    it("should hash files over their bytes, hex or Uint8Array alike", function () {
      expect(fileDigest(new Uint8Array([0x25, 0x50]))).to.equal(fileDigest("0x2550"));
      expect(fileDigest("0x")).to.equal(keccak256(HASH_TAGS.file));
    });

    it("should give the registry the canonical bytes of a schema definition", function () {
      const definition = { name: "s", labels: { nl: "n", fr: "f", en: "e" } };
      expect(keccak256(concat([HASH_TAGS.schema, schemaDefinitionBytes(definition)]))).to.equal(schemaId(definition));
    });
  });

  describe("reason codes", function () {
    it("should encode short codes and decode them back", function () {
      const code = reasonCode("AUDIT_FAILED");
      expect(isBytes32(code)).to.equal(true);
      expect(decodeReasonCode(code)).to.equal("AUDIT_FAILED");
      expect(decodeReasonCode(keccak256("0x01"))).to.equal(undefined);
      expect(() => reasonCode("x".repeat(32))).to.throw(HashingError);
    });

    it("should read a code's text back, UTF-8, and nothing from a zero or non-text bytes32", function () {
      for (const text of ["AUDIT_FAILED", "SUPERSEDED", "x".repeat(31), "Contrôle échoué", "A"]) {
        expect(reasonText(reasonCode(text))).to.equal(text);
      }
      expect(reasonText(ZERO)).to.equal(null);
      expect(reasonText(keccak256("0x01"))).to.equal(null);
      // No trailing zero: 32 bytes that reasonCode cannot have made.
      expect(reasonText(`0x${"41".repeat(32)}`)).to.equal(null);
      // A zero inside, invalid UTF-8, a control character.
      expect(reasonText(`0x4100${"41".repeat(2)}${"00".repeat(28)}`)).to.equal(null);
      expect(reasonText(`0xc328${"00".repeat(30)}`)).to.equal(null);
      expect(reasonText(`0x410a${"00".repeat(30)}`)).to.equal(null);
      expect(reasonText("0x41")).to.equal(null);
      expect(reasonText("AUDIT_FAILED")).to.equal(null);
      expect(decodeReasonCode(ZERO)).to.equal(undefined);
    });

    it("should list the withdrawal reasons the pages offer, each a valid code", function () {
      expect(REVOCATION_REASONS).to.include("AUDIT_FAILED");
      for (const code of REVOCATION_REASONS) expect(reasonText(reasonCode(code))).to.equal(code);
    });
  });
});
