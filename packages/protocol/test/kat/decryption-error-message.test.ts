/**
 * DecryptionErrorMessage and PlaintextContent layouts (docs/protocol.md §5.5). The
 * vectors were produced by libsignal 0.72.1 (`DecryptionErrorMessage
 * .deserialize(...).serialize()` and `PlaintextContent.from(...)`); the
 * interop suite checks the same codecs against live libsignal objects.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/index.js';
import { PublicKey } from '../../src/keys/index.js';
import {
  DecryptionErrorMessage,
  extractDecryptionErrorMessage,
  PlaintextContent,
} from '../../src/session/index.js';
import { codeOf } from '../support/error-code.js';

/** 0x05 ‖ u = 9 (the X25519 base point): a fixed, canonical key. */
const KEY = `0509${'00'.repeat(31)}`;
const TS = 1_700_000_000_000;
const DEM_WITH_KEY = `0a21${KEY}1080d095ffbc311807`;
const PC_WITH_KEY = `c0422c${DEM_WITH_KEY}80`;
const DEM_NO_KEY = '1080d095ffbc311801';
const PC_NO_KEY = `c04209${DEM_NO_KEY}80`;

describe('DecryptionErrorMessage', () => {
  it('encodes {1 ratchetKey, 2 timestamp, 3 deviceId} in tag order, as libsignal', () => {
    const key = PublicKey.deserialize(fromHex(KEY));
    expect(toHex(DecryptionErrorMessage.create(key, TS, 7).serialize())).toBe(DEM_WITH_KEY);
    expect(toHex(DecryptionErrorMessage.create(undefined, TS, 1).serialize())).toBe(DEM_NO_KEY);
    // device 0 is still written: libsignal sets every field.
    expect(toHex(DecryptionErrorMessage.create(undefined, 1, 0).serialize())).toBe('10011800');
  });

  it('decodes its fields; a missing device id reads as 0, as in libsignal', () => {
    const d = DecryptionErrorMessage.deserialize(fromHex(DEM_WITH_KEY));
    expect([toHex(d.ratchetKey?.serialize() ?? new Uint8Array()), d.timestamp, d.deviceId]).toEqual([
      KEY,
      TS,
      7,
    ]);
    const bare = DecryptionErrorMessage.deserialize(fromHex('1001'));
    expect([bare.ratchetKey, bare.timestamp, bare.deviceId]).toEqual([undefined, 1, 0]);
    // Unknown fields are skipped (proto2), and the bytes kept as received.
    expect(toHex(DecryptionErrorMessage.deserialize(fromHex('100118022001')).serialize())).toBe(
      '100118022001',
    );
  });

  it.each([
    ['empty (no timestamp)', '', 'InvalidMessage'],
    ['device id only', '1802', 'InvalidMessage'],
    ['timestamp twice', '100110021802', 'InvalidMessage'],
    ['timestamp above 2^53 - 1', '1080808080808080101802', 'InvalidMessage'],
    ['device id above 2^32 - 1', '1001188080808010', 'InvalidMessage'],
    ['timestamp as bytes', '12011802', 'InvalidMessage'],
    ['truncated varint', '1080', 'InvalidMessage'],
    ['ratchet key of another type', `0a2106${'00'.repeat(32)}1001`, 'InvalidKey'],
    ['ratchet key of 32 bytes', `0a20${'00'.repeat(32)}1001`, 'InvalidKey'],
    ['non-canonical ratchet key (bit 255)', `0a2105${'00'.repeat(31)}801001`, 'InvalidKey'],
  ])('refuses %s with a typed error', (_name, hex, code) => {
    expect(codeOf(() => DecryptionErrorMessage.deserialize(fromHex(hex)))).toBe(code);
  });

  it('every bit flip either decodes or throws a ProtocolError', () => {
    const bytes = fromHex(DEM_WITH_KEY);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const b = bytes.slice();
      b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
      const code = codeOf(() => DecryptionErrorMessage.deserialize(b));
      expect(['no error', 'InvalidMessage', 'InvalidKey']).toContain(code);
    }
  });

  it('refuses to answer a plaintext message, and misuse names the argument', () => {
    expect(() => DecryptionErrorMessage.forOriginal(fromHex('c0'), 8, TS, 1)).toThrow(RangeError);
    expect(() => DecryptionErrorMessage.create(undefined, -1, 1)).toThrow(/timestamp/);
    expect(() => DecryptionErrorMessage.create(undefined, 1, 2 ** 32)).toThrow(/deviceId/);
    // A sender-key message has no ratchet key: the bytes are not even parsed.
    expect(DecryptionErrorMessage.forOriginal(new Uint8Array(), 7, TS, 1).ratchetKey).toBeUndefined();
  });
});

describe('PlaintextContent', () => {
  it('wraps a DecryptionErrorMessage as 0xC0 ‖ Content{8} ‖ 0x80, as libsignal', () => {
    const key = PublicKey.deserialize(fromHex(KEY));
    const pc = PlaintextContent.from(DecryptionErrorMessage.create(key, TS, 7));
    expect(toHex(pc.serialize())).toBe(PC_WITH_KEY);
    expect(pc.type()).toBe(8);
    expect(toHex(pc.body())).toBe(PC_WITH_KEY.slice(2));
    expect(toHex(PlaintextContent.from(DecryptionErrorMessage.create(undefined, TS, 1)).serialize())).toBe(
      PC_NO_KEY,
    );
  });

  it('reads the error back from the content and from its body', () => {
    const pc = PlaintextContent.deserialize(fromHex(PC_WITH_KEY));
    expect(toHex(pc.decryptionErrorMessage().serialize())).toBe(DEM_WITH_KEY);
    expect(extractDecryptionErrorMessage(pc.body()).deviceId).toBe(7);
  });

  it.each([
    ['empty', ''],
    ['another identifier byte', `c1${PC_NO_KEY.slice(2)}`],
    ['longer than any decryption error', `c0${'00'.repeat(1024)}`],
  ])('deserialize refuses %s', (_name, hex) => {
    expect(codeOf(() => PlaintextContent.deserialize(fromHex(hex)))).toBe('InvalidMessage');
  });

  it.each([
    ['no padding boundary', `c04209${DEM_NO_KEY}`],
    ['padding zeros after the boundary', `${PC_NO_KEY}00`],
    ['no decryption error (field 8)', 'c080'],
    ['another Content field', `c00a0100${PC_NO_KEY.slice(2)}`],
    ['field 8 as a varint', 'c0400180'],
    ['a malformed error inside', 'c042021802' + '80'],
  ])('the body refuses %s', (_name, hex) => {
    expect(codeOf(() => PlaintextContent.deserialize(fromHex(hex)).decryptionErrorMessage())).toBe(
      'InvalidMessage',
    );
  });
});
