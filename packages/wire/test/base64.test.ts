import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, WireError } from '../src/index.js';

describe('base64url', () => {
  it('matches the platform encoder and round-trips every length', () => {
    for (let len = 0; len < 70; len++) {
      const bytes = crypto.getRandomValues(new Uint8Array(len));
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('refuses padding, other alphabets, bad lengths and non-zero trailing bits', () => {
    for (const bad of ['AA==', 'A+B/', 'A', 'AB C', '_x', 'AAB', 'é']) {
      expect(() => fromBase64Url(bad), bad).toThrow(WireError);
    }
  });
});
