/**
 * Safety numbers against libsignal 0.72.1 (`Fingerprint.new`, iterations
 * first): equal digits and equal scannable bytes for the same identities,
 * and each side's compare() accepts the other's QR code.
 */
import * as S from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { Fingerprint } from '../../src/fingerprint/index.js';
import { PublicKey } from '../../src/keys/index.js';
import { buf, u8 } from '../support/libsignal-group-stores.js';

describe.each([
  { version: 1, ids: () => [Buffer.from('+14155550100'), Buffer.from('+14155550199')] },
  {
    version: 2,
    ids: () => [
      Buffer.from(crypto.getRandomValues(new Uint8Array(16))),
      Buffer.from(crypto.getRandomValues(new Uint8Array(16))),
    ],
  },
])('safety numbers match libsignal (version $version)', ({ version, ids }) => {
  it.each([2, 5200])('%i iterations: same digits, same QR bytes, compare() both ways', (iterations) => {
    const [aliceId, bobId] = ids() as [Buffer, Buffer];
    const aliceKey = S.IdentityKeyPair.generate().publicKey;
    const bobKey = S.IdentityKeyPair.generate().publicKey;
    const theirs = S.Fingerprint.new(iterations, version, aliceId, aliceKey, bobId, bobKey);
    // tacet's fingerprint from libsignal's identifiers and keys.
    const tacetFingerprint = (
      localId: Buffer,
      localKey: S.PublicKey,
      remoteId: Buffer,
      remoteKey: S.PublicKey,
    ) =>
      Fingerprint.create({
        iterations,
        version,
        localIdentifier: u8(localId),
        localKey: PublicKey.deserialize(u8(localKey.serialize())),
        remoteIdentifier: u8(remoteId),
        remoteKey: PublicKey.deserialize(u8(remoteKey.serialize())),
      });
    const ours = tacetFingerprint(aliceId, aliceKey, bobId, bobKey);
    expect(ours.displayable.toString()).toBe(theirs.displayableFingerprint().toString());
    expect(ours.scannable.serialize()).toEqual(u8(theirs.scannableFingerprint().toBuffer()));

    // Bob's side, computed by the other implementation, accepts Alice's code and vice versa.
    const bobTheirs = S.Fingerprint.new(iterations, version, bobId, bobKey, aliceId, aliceKey);
    const bobOurs = tacetFingerprint(bobId, bobKey, aliceId, aliceKey);
    expect(bobOurs.scannable.compare(u8(theirs.scannableFingerprint().toBuffer()))).toBe(true);
    expect(
      bobTheirs
        .scannableFingerprint()
        .compare(S.ScannableFingerprint._fromBuffer(buf(ours.scannable.serialize()))),
    ).toBe(true);
    expect(
      theirs
        .scannableFingerprint()
        .compare(S.ScannableFingerprint._fromBuffer(buf(ours.scannable.serialize()))),
    ).toBe(false);
  });
});
