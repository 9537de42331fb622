import { describe, expect, it } from 'vitest';
import { checkPow, leadingZeroBits, solvePow, solvePowAsync } from '../src/index.js';

describe('proof of work', () => {
  it('a solved nonce checks at its difficulty and the hash really has the zero bits', async () => {
    const { createHash } = await import('node:crypto');
    const challenge = 'test-challenge_123';
    const nonce = solvePow(challenge, 12);
    expect(checkPow(challenge, 12, nonce)).toBe(true);
    const input = Buffer.concat([Buffer.from(challenge, 'ascii'), Buffer.alloc(8)]);
    input.writeBigUInt64BE(BigInt(nonce), challenge.length);
    expect(leadingZeroBits(createHash('sha256').update(input).digest())).toBeGreaterThanOrEqual(12);
  });

  it('refuses wrong nonces, other challenges and junk', () => {
    const challenge = 'abc';
    const nonce = solvePow(challenge, 14);
    let wrong = 0;
    for (let n = 0; n < 200; n++) if (n !== nonce && checkPow(challenge, 14, n)) wrong++;
    expect(wrong).toBeLessThan(3);
    expect(checkPow('abd', 14, nonce) && checkPow('abe', 14, nonce)).toBe(false);
    for (const junk of [-1, 1.5, '5', null, Number.MAX_SAFE_INTEGER + 2])
      expect(checkPow(challenge, 1, junk)).toBe(false);
    expect(checkPow('has space', 0, 0)).toBe(false);
    expect(checkPow('x'.repeat(300), 0, 0)).toBe(false);
  });

  it('solves asynchronously and can be aborted', async () => {
    const nonce = await solvePowAsync('async', 10, { sliceSize: 64 });
    expect(checkPow('async', 10, nonce)).toBe(true);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(solvePowAsync('async', 30, { signal: controller.signal })).rejects.toThrow('stop');
  });
});
