/**
 * SHA-256 resumed from saved states (src/crypto/sha256-states.ts), the
 * engine under hkdf-keyed.ts: equal to noble's SHA-256 for every message
 * length across the one- and two-block padding cases, in any split into
 * parts, resumed after saved whole blocks, and reusable after a wipe.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { newSha256State, Sha256Engine } from '../../src/crypto/sha256-states.js';

const engine = new Sha256Engine();

function digest(parts: Uint8Array[], from = engine.initial, absorbed = 0): Uint8Array {
  engine.resume(from, absorbed);
  for (const p of parts) engine.absorb(p);
  const out = new Uint8Array(32);
  engine.finishInto(out);
  return out;
}

describe('Sha256Engine', () => {
  it('equals SHA-256 for every length 0..260, whole and split in three', () => {
    const data = nobleBackend.randomBytes(260);
    for (let n = 0; n <= 260; n++) {
      const m = data.subarray(0, n);
      expect(digest([m])).toEqual(sha256(m));
      const a = Math.floor(n / 3);
      const b = Math.floor((2 * n) / 3);
      expect(digest([m.subarray(0, a), m.subarray(a, b), m.subarray(b)])).toEqual(sha256(m));
    }
  });

  it('the FIPS 180-2 "abc" and two-block vectors', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(Buffer.from(digest([text('abc')])).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(
      Buffer.from(digest([text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')])).toString('hex'),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('resumes from a state saved after whole blocks, as HMAC keys are set up', () => {
    const head = nobleBackend.randomBytes(128);
    const saved = newSha256State();
    engine.resume(engine.initial, 0).absorb(head).saveInto(saved);
    for (const n of [0, 1, 31, 55, 56, 63, 64, 65, 119, 120, 200]) {
      const tail = nobleBackend.randomBytes(n);
      const whole = new Uint8Array(128 + n);
      whole.set(head);
      whole.set(tail, 128);
      expect(digest([tail], saved, 128)).toEqual(sha256(whole));
    }
  });

  it('refuses to save a state mid-block, writes at an offset, and works again after a wipe', () => {
    engine.resume(engine.initial, 0).absorb(new Uint8Array(10));
    expect(() => engine.saveInto(newSha256State())).toThrow();
    const out = new Uint8Array(40).fill(0xee);
    engine
      .resume(engine.initial, 0)
      .absorb(Uint8Array.of(1, 2, 3))
      .finishInto(out, 4);
    expect(out.subarray(4, 36)).toEqual(sha256(Uint8Array.of(1, 2, 3)));
    expect(out.subarray(0, 4)).toEqual(new Uint8Array(4).fill(0xee));
    expect(out.subarray(36)).toEqual(new Uint8Array(4).fill(0xee));
    engine.wipe();
    expect(digest([Uint8Array.of(9)])).toEqual(sha256(Uint8Array.of(9)));
  });
});
