/**
 * The two codecs the SDK added for groups: the 1:1 control message (wire)
 * and the stored group record. Both round-trip, and every truncation or
 * foreign byte string is refused with the typed error, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { ClientError } from '../../src/errors.js';
import { decodeGroupControl, encodeGroupControl, type GroupControl } from '../../src/groups/group-control.js';
import { decodeGroupRecord, encodeGroupRecord, type GroupRecord } from '../../src/groups/group-record.js';

const id = new Uint8Array(32).fill(7);
const controls: GroupControl[] = [
  { type: 'change', change: Uint8Array.of(1, 2, 3) },
  { type: 'welcome', base: Uint8Array.of(9), change: Uint8Array.of(4) },
  { type: 'sender-key', groupId: id, skdm: Uint8Array.of(5, 6) },
  { type: 'resync', groupId: id, version: 41 },
  { type: 'history', groupId: id, changes: [Uint8Array.of(1), Uint8Array.of(2)] },
];
const record: GroupRecord = {
  groupId: id,
  base: Uint8Array.of(1, 2),
  changes: [Uint8Array.of(3), Uint8Array.of(4, 5)],
  distributionId: '0b8d1f4e-6a1c-4f0e-9d51-2b7c8e9a0f11',
  distributed: { alice: [1, 2], bob: [] },
};

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof ClientError)) throw e;
    return e.code;
  }
}

describe('group control messages', () => {
  it('round-trip every type', () => {
    for (const c of controls) expect(decodeGroupControl(encodeGroupControl(c))).toEqual(c);
  });

  it('refuse every truncation and a missing or short group id with InvalidContent', () => {
    for (const c of controls) {
      const bytes = encodeGroupControl(c);
      for (let n = 0; n < bytes.length; n++) {
        const got = code(() => decodeGroupControl(bytes.slice(0, n)));
        // A cut may still leave a valid shorter message (an empty history); it must never throw anything else.
        expect([undefined, 'InvalidContent']).toContain(got);
      }
    }
    const short = encodeGroupControl({ type: 'resync', groupId: id.slice(0, 31), version: 1 });
    expect(code(() => decodeGroupControl(short))).toBe('InvalidContent');
    expect(code(() => decodeGroupControl(Uint8Array.of(8, 99)))).toBe('InvalidContent');
  });
});

describe('stored group records', () => {
  it('round-trip, and refuse truncations and unknown fields with StoreCorrupt', () => {
    const bytes = encodeGroupRecord(record);
    expect(decodeGroupRecord(bytes)).toEqual(record);
    for (let n = 0; n < bytes.length; n++) {
      const got = code(() => decodeGroupRecord(bytes.slice(0, n)));
      expect([undefined, 'StoreCorrupt']).toContain(got);
    }
    expect(code(() => decodeGroupRecord(Uint8Array.of(...bytes, 0x78, 1)))).toBe('StoreCorrupt');
    expect(code(() => decodeGroupRecord(new Uint8Array(0)))).toBe('StoreCorrupt');
  });
});
