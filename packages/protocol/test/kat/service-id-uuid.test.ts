/**
 * The char-code UUID parser behind distribution ids and sealed sender v2's
 * fixed-width service ids (group/distribution-id.ts, sealed-sender/service-id.ts):
 * every hex digit in either case at every position, and refusal of every
 * other character, a dash out of place, and any other length.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import {
  canonicalDistributionId,
  distributionIdFromBytes,
  distributionIdToBytes,
} from '../../src/group/distribution-id.js';
import {
  SERVICE_ID_LENGTH,
  serviceIdFromFixedWidth,
  serviceIdToFixedWidth,
  writeServiceId,
} from '../../src/sealed-sender/service-id.js';

const uuid = '9d0652a3-dcc3-4d11-975f-74d61598733f';
const hexOf = (s: string) => s.replaceAll('-', '').toLowerCase();

describe('UUID parsing', () => {
  it('reads every digit in either case, and round-trips', () => {
    for (const text of [uuid, uuid.toUpperCase(), '01234567-89ab-cdef-ABCD-EF0123456789']) {
      expect(toHex(distributionIdToBytes(text))).toBe(hexOf(text));
      expect(distributionIdFromBytes(distributionIdToBytes(text))).toBe(text.toLowerCase());
      expect(canonicalDistributionId(text)).toBe(text.toLowerCase());
    }
  });

  it('refuses any non-hex character at any digit position, and a dash out of place', () => {
    const dashes = new Set([8, 13, 18, 23]);
    for (let at = 0; at < uuid.length; at++) {
      const bad = dashes.has(at) ? ['0', 'a', ' '] : ['g', 'G', '-', ' ', '/', ':', '@', '`', 'é', '\u0130'];
      for (const c of bad) {
        const text = `${uuid.slice(0, at)}${c}${uuid.slice(at + 1)}`;
        expect(() => distributionIdToBytes(text), text).toThrow(TypeError);
        expect(() => serviceIdToFixedWidth(text), text).toThrow(TypeError);
      }
    }
  });

  it('refuses other lengths and non-strings', () => {
    for (const text of ['', uuid.slice(1), `${uuid}0`, hexOf(uuid), `{${uuid}}`])
      expect(() => distributionIdToBytes(text), text).toThrow(TypeError);
    expect(() => distributionIdToBytes(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('fixed-width service ids', () => {
  it('writes ACI and PNI forms in place and reads them back', () => {
    const out = new Uint8Array(2 * SERVICE_ID_LENGTH + 1).fill(0xee);
    writeServiceId(uuid, out, 0);
    writeServiceId(`PNI:${uuid}`, out, SERVICE_ID_LENGTH);
    expect(out[0]).toBe(0);
    expect(out[SERVICE_ID_LENGTH]).toBe(1);
    expect(out[2 * SERVICE_ID_LENGTH]).toBe(0xee);
    expect(serviceIdFromFixedWidth(out.subarray(0, SERVICE_ID_LENGTH))).toBe(uuid);
    expect(serviceIdFromFixedWidth(out.subarray(SERVICE_ID_LENGTH, 2 * SERVICE_ID_LENGTH))).toBe(
      `PNI:${uuid}`,
    );
    expect(serviceIdToFixedWidth(uuid)).toEqual(out.subarray(0, SERVICE_ID_LENGTH));
  });

  it('refuses a service id that does not fit, and an unknown prefix', () => {
    expect(() => writeServiceId(uuid, new Uint8Array(SERVICE_ID_LENGTH), 1)).toThrow(RangeError);
    expect(() => serviceIdToFixedWidth(`ACI:${uuid}`)).toThrow(TypeError);
  });
});
