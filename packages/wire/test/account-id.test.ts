import { describe, expect, it } from 'vitest';
import { AccountIdError, displayAccountId, formatAccountId, parseAccountId } from '../src/index.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function randomId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

function reasonOf(text: string): string | undefined {
  try {
    parseAccountId(text);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AccountIdError);
    return (e as AccountIdError).reason;
  }
}

describe('account ids', () => {
  it('round-trips 16 bytes through a 27-character lowercase string', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomId();
      const text = formatAccountId(id);
      expect(text).toMatch(/^[0-9a-hjkmnp-tv-z]{27}$/);
      expect(parseAccountId(text)).toEqual(id);
      expect(parseAccountId(text.toUpperCase())).toEqual(id);
      expect(parseAccountId(displayAccountId(id))).toEqual(id);
    }
  });

  it('reads o as 0 and i, l as 1 (Crockford)', () => {
    const id = new Uint8Array(16);
    const text = formatAccountId(id);
    expect(parseAccountId(text.replace(/0/g, 'o'))).toEqual(id);
  });

  it('detects every single substituted character', () => {
    const text = formatAccountId(randomId());
    for (let pos = 0; pos < text.length; pos++) {
      for (const ch of ALPHABET) {
        if (ch === text[pos]) continue;
        const typo = text.slice(0, pos) + ch + text.slice(pos + 1);
        expect(reasonOf(typo), typo).toMatch(/checksum|padding/);
      }
    }
  });

  it('detects most swaps of neighbouring characters', () => {
    let swaps = 0;
    let caught = 0;
    for (let n = 0; n < 50; n++) {
      const text = formatAccountId(randomId());
      for (let pos = 0; pos + 1 < text.length; pos++) {
        if (text[pos] === text[pos + 1]) continue;
        swaps++;
        const typo = text.slice(0, pos) + text[pos + 1] + text[pos] + text.slice(pos + 2);
        if (reasonOf(typo) !== undefined) caught++;
      }
    }
    expect(caught / swaps).toBeGreaterThan(0.95);
  });

  it('refuses wrong lengths and characters with a typed reason', () => {
    const text = formatAccountId(randomId());
    expect(reasonOf(text.slice(1))).toBe('length');
    expect(reasonOf(`${text}0`)).toBe('length');
    expect(reasonOf(`u${text.slice(1)}`)).toBe('character');
    expect(reasonOf('x'.repeat(10_000))).toBe('length');
    expect(() => formatAccountId(new Uint8Array(15))).toThrow(RangeError);
  });
});
