/**
 * The signed device list: one canonical encoding with typed decode errors,
 * signatures by the identity key only, and the newest-list rule (newer
 * replaces, older or same-version-different refused).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DeviceListContent,
  IdentityKeyPair,
  newestDeviceList,
  ProtocolError,
  SignedDeviceList,
} from '../../src/index.js';

const alice = IdentityKeyPair.generate();
const mallory = IdentityKeyPair.generate();
const account = new Uint8Array(16).fill(7);
const other = new Uint8Array(16).fill(8);

const list = (version: number, ids: number[], key = alice, accountId = account) =>
  SignedDeviceList.sign(
    { accountId, version, devices: ids.map((deviceId) => ({ deviceId, registrationId: deviceId * 10 })) },
    key.privateKey,
  );

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return e.code;
  }
}

const contentArb: fc.Arbitrary<DeviceListContent> = fc.record({
  accountId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  version: fc.integer({ min: 1, max: 0xffffffff }),
  devices: fc
    .uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength: 8 })
    .chain((ids) =>
      fc.tuple(...ids.map((deviceId) => fc.nat().map((registrationId) => ({ deviceId, registrationId })))),
    ),
});

describe('encoding', () => {
  it('round-trips any valid content, sorted by device id, and verifies under the signer only', () => {
    fc.assert(
      fc.property(contentArb, (c) => {
        const signed = SignedDeviceList.sign(c, alice.privateKey);
        const back = SignedDeviceList.decode(signed.serialize());
        expect(back.version).toBe(c.version);
        expect(back.accountId).toEqual(c.accountId);
        expect(back.devices).toEqual([...c.devices].sort((a, b) => a.deviceId - b.deviceId));
        expect(back.verify(alice.publicKey)).toBe(true);
        expect(back.verify(mallory.publicKey)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('any single flipped bit either fails to decode with InvalidDeviceList or fails to verify', () => {
    const bytes = list(3, [1, 2, 5]).serialize();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
        const b = bytes.slice();
        b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
        let decoded: SignedDeviceList;
        try {
          decoded = SignedDeviceList.decode(b);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
          expect((e as ProtocolError).code).toBe('InvalidDeviceList');
          return;
        }
        expect(decoded.verify(alice.publicKey)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses truncated, padded, unknown-format and non-canonical lists with a typed error', () => {
    const good = list(1, [1, 2]).serialize();
    const cases: Uint8Array[] = [
      good.subarray(0, good.length - 1),
      new Uint8Array([...good, 0]),
      new Uint8Array(10),
      Uint8Array.of(2, ...good.subarray(1)),
    ];
    const swapped = good.slice(); // device entries 2 then 1: not ascending
    swapped.set(good.subarray(22, 28), 28);
    swapped.set(good.subarray(28, 34), 22);
    cases.push(swapped);
    const zeroVersion = good.slice();
    zeroVersion.set([0, 0, 0, 0], 17);
    cases.push(zeroVersion);
    const zeroCount = good.slice();
    zeroCount[21] = 0;
    cases.push(zeroCount);
    for (const c of cases) expect(codeOf(() => SignedDeviceList.decode(c))).toBe('InvalidDeviceList');
  });

  it('refuses to sign content outside the limits', () => {
    expect(() => list(0, [1])).toThrow(RangeError);
    expect(() => list(1, [])).toThrow(RangeError);
    expect(() => list(1, [1000])).toThrow(RangeError);
    expect(() => list(1, [1, 2, 3, 4, 5, 6, 7, 8, 9])).toThrow(RangeError);
    expect(() => list(1, [2, 2])).toThrow(RangeError);
  });
});

describe('newest verified list', () => {
  it('takes a first list signed by the contact, refuses one signed by another key or for another account', () => {
    expect(newestDeviceList(undefined, list(1, [1]), alice.publicKey, account).version).toBe(1);
    expect(codeOf(() => newestDeviceList(undefined, list(1, [1], mallory), alice.publicKey, account))).toBe(
      'InvalidSignature',
    );
    expect(
      codeOf(() => newestDeviceList(undefined, list(1, [1], alice, other), alice.publicKey, account)),
    ).toBe('InvalidDeviceList');
  });

  it('a strictly newer version replaces; older or same-version-different is StaleDeviceList; the same list is kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (known, offered) => {
        const current = list(known, [1]);
        const incoming = list(offered, [1, 2]);
        const code = codeOf(() => newestDeviceList(current, incoming, alice.publicKey, account));
        if (offered > known) {
          expect(newestDeviceList(current, incoming, alice.publicKey, account)).toBe(incoming);
        } else {
          expect(code).toBe('StaleDeviceList');
        }
      }),
      { numRuns: 100 },
    );
    const current = list(4, [1, 2]);
    const again = SignedDeviceList.decode(current.serialize());
    expect(newestDeviceList(current, again, alice.publicKey, account)).toBe(current);
  });
});
