/**
 * Functions that take outside bytes without being decoders: XEdDSA verify
 * must answer false (never throw) on any public key and signature, and KEM
 * decapsulation must accept any well-shaped ciphertext (implicit rejection)
 * and refuse ill-shaped ones with a ProtocolError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { nodeBackend } from '../../src/crypto/node-backend.node.js';
import { KEMKeyPair, kemDecapsulate, kemEncapsulate } from '../../src/keys/index.js';
import { mutated, onlyProtocolErrors } from './foundation-mutations.js';

const message = new TextEncoder().encode('fuzz');
const { privateKey, publicKey } = nobleBackend.x25519Generate();
const signature = nobleBackend.xeddsaSign(privateKey, message, nobleBackend.randomBytes(64));

describe('XEdDSA verify on arbitrary inputs', () => {
  const inputs = fc.tuple(
    fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), mutated(fc.constant(publicKey))),
    fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }), mutated(fc.constant(signature))),
  );

  it.each([
    { p: nodeBackend, numRuns: 3_000 },
    { p: nobleBackend, numRuns: 300 },
  ])('$p.name: returns a boolean, true only for the genuine pair', ({ p, numRuns }) => {
    fc.assert(
      fc.property(inputs, ([pub, sig]) => {
        const ok = p.xeddsaVerify(pub, message, sig);
        expect(typeof ok).toBe('boolean');
        if (ok) expect(sig.subarray(0, 32)).toEqual(signature.subarray(0, 32));
      }),
      { numRuns },
    );
  });
});

describe('KEM decapsulation on arbitrary ciphertexts', () => {
  const pair = KEMKeyPair.generate();
  const { ciphertext, sharedSecret } = kemEncapsulate(pair.publicKey);

  it('mutated ciphertexts: a 32-byte secret (different unless unchanged) or a ProtocolError', () => {
    fc.assert(
      fc.property(mutated(fc.constant(ciphertext)), (ct) => {
        let out: Uint8Array | undefined;
        onlyProtocolErrors((b) => {
          out = kemDecapsulate(pair.secretKey, b);
        })(ct);
        if (out === undefined) return;
        expect(out.length).toBe(32);
        const same = ct.length === ciphertext.length && ct.every((b, i) => b === ciphertext[i]);
        expect(out.every((b, i) => b === sharedSecret[i])).toBe(same);
      }),
      { numRuns: 300 },
    );
  });
});
