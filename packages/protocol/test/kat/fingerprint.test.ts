/**
 * Safety numbers against the appendix vectors of docs/protocol.md
 * (which libsignal reproduced), plus the comparison rules of §7.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { Fingerprint, ScannableFingerprint } from '../../src/fingerprint/index.js';
import { PrivateKey, PublicKey } from '../../src/keys/index.js';
import { codeOf } from '../support/error-code.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const uuid = (s: string) => fromHex(s.replaceAll('-', ''));
const key = (byte: number) => PublicKey.deserialize(Uint8Array.of(5, ...new Uint8Array(32).fill(byte)));
const local = key(0x11);
const remote = key(0x22);

describe('safety number vectors (docs/protocol.md appendix)', () => {
  const e164 = Fingerprint.create({
    version: 2,
    localIdentifier: utf8('+14152222222'),
    localKey: local,
    remoteIdentifier: utf8('+14153333333'),
    remoteKey: remote,
  });

  it('displayable, E.164 identifiers, 5200 iterations', () => {
    expect(e164.displayable.toString()).toBe('182942087055773282292872958385442225949165033614176996820774');
  });

  it('scannable bytes', () => {
    expect(toHex(e164.scannable.serialize())).toBe(
      '080212220a20b2f6701156168c4e47866f9bd14fbdf83a070605eb080aa0797a4c02be91a0491a220a2005336131be79c85cac83dde2485aa92448846f2929442a1dd07dba148c26a161',
    );
  });

  it('displayable, 16-byte ACI identifiers', () => {
    const aci = Fingerprint.create({
      version: 2,
      localIdentifier: uuid('9d0652a3-dcc3-4d11-975f-74d61598733f'),
      localKey: local,
      remoteIdentifier: uuid('0b6e1b0e-3c4f-4b5a-9a6d-2f1e8c7d6b5a'),
      remoteKey: remote,
    });
    expect(aci.displayable.toString()).toBe('196267580255182920326251467989365702396097516326992973325636');
  });

  it('the version changes only the scannable form', () => {
    const v1 = Fingerprint.create({
      version: 1,
      localIdentifier: utf8('+14152222222'),
      localKey: local,
      remoteIdentifier: utf8('+14153333333'),
      remoteKey: remote,
    });
    expect(v1.displayable.toString()).toBe(e164.displayable.toString());
    expect(v1.scannable.serialize()[1]).toBe(1);
  });
});

describe('comparing safety numbers', () => {
  const alice = PrivateKey.generate().getPublicKey();
  const bob = PrivateKey.generate().getPublicKey();
  const make = (version: number, a = alice, b = bob, iterations = 50) => ({
    mine: Fingerprint.create({
      iterations,
      version,
      localIdentifier: utf8('a'),
      localKey: a,
      remoteIdentifier: utf8('b'),
      remoteKey: b,
    }),
    theirs: Fingerprint.create({
      iterations,
      version,
      localIdentifier: utf8('b'),
      localKey: b,
      remoteIdentifier: utf8('a'),
      remoteKey: a,
    }),
  });

  it('both sides show the same 60 digits and each accepts the other QR code', () => {
    const { mine, theirs } = make(2);
    expect(mine.displayable.toString()).toMatch(/^\d{60}$/);
    expect(mine.displayable.toString()).toBe(theirs.displayable.toString());
    expect(mine.scannable.compare(theirs.scannable.serialize())).toBe(true);
    expect(theirs.scannable.compare(mine.scannable.serialize())).toBe(true);
  });

  it('a changed identity key no longer matches; scanning your own code does not match', () => {
    const { mine } = make(2);
    const { theirs } = make(2, alice, PrivateKey.generate().getPublicKey());
    expect(mine.scannable.compare(theirs.scannable.serialize())).toBe(false);
    expect(mine.displayable.toString()).not.toBe(theirs.displayable.toString());
    expect(mine.scannable.compare(mine.scannable.serialize())).toBe(false);
  });

  it('different versions throw FingerprintVersionMismatch', () => {
    const { mine } = make(2);
    const { theirs } = make(1);
    expect(codeOf(() => mine.scannable.compare(theirs.scannable.serialize()))).toBe(
      'FingerprintVersionMismatch',
    );
  });

  it('malformed scanned bytes throw InvalidMessage', () => {
    const good = make(2).theirs.scannable.serialize();
    for (const bad of [new Uint8Array(0), good.subarray(0, 40), good.subarray(0, 73), Uint8Array.of(0xff)]) {
      expect(codeOf(() => make(2).mine.scannable.compare(bad))).toBe('InvalidMessage');
    }
    expect(ScannableFingerprint.deserialize(good).version).toBe(2);
  });

  it('iterations: 1 and 1 000 001 are refused, 2 is accepted', () => {
    expect(() => make(2, alice, bob, 1)).toThrow(RangeError);
    expect(() => make(2, alice, bob, 1_000_001)).toThrow(RangeError);
    expect(make(2, alice, bob, 2).mine.displayable.toString()).toMatch(/^\d{60}$/);
  });
});
