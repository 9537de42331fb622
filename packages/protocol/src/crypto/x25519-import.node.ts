/**
 * Imports a raw 32-byte X25519 private key as a node:crypto handle, in the
 * fastest form the running Node accepts, chosen once by a known answer:
 *
 * - 'raw-private' (Node 24): the bytes as they are, no encoding and no copy
 *   of the key in a string JS cannot wipe.
 * - JWK with a dummy `x` (Node 20): there OpenSSL ignores `x`, and JWK is
 *   far faster than PKCS#8 (OpenSSL 3.0's DER decoder). Node 24 checks `x`
 *   against `d` and refuses it ("Invalid JWK OKP key").
 * - PKCS#8 DER (RFC 8410 §7): accepted everywhere, the slowest.
 *
 * Nothing here generates or exports a key (the Node 20 KeyGenJob freeze:
 * node-backend.node.ts, module note).
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';

type Importer = (privateKey: Uint8Array) => KeyObject;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const DUMMY_X = asBuffer(new Uint8Array(32)).toString('base64url');

const PKCS8_X25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

const importers: Record<'raw' | 'jwk' | 'pkcs8', Importer> = {
  // @types/node 20 does not know the raw formats; Node 20 throws on them and the probe moves on.
  raw: (k) =>
    createPrivateKey({ key: asBuffer(k), format: 'raw-private', asymmetricKeyType: 'x25519' } as unknown as {
      key: Buffer;
    }),
  jwk: (k) =>
    createPrivateKey({
      key: { kty: 'OKP', crv: 'X25519', d: asBuffer(k).toString('base64url'), x: DUMMY_X },
      format: 'jwk',
    }),
  pkcs8: (k) => {
    const der = new Uint8Array(PKCS8_X25519_PREFIX.length + 32);
    der.set(PKCS8_X25519_PREFIX);
    der.set(k, PKCS8_X25519_PREFIX.length);
    try {
      return createPrivateKey({ key: asBuffer(der), format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
  },
};

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
/** RFC 7748 §6.1: Alice's private key and X25519(a, 9). */
const PROBE_PRIVATE = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
const PROBE_PUBLIC = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');

function works(importer: Importer): boolean {
  try {
    const base = createPublicKey({
      key: {
        kty: 'OKP',
        crv: 'X25519',
        x: asBuffer(Uint8Array.of(9, ...new Uint8Array(31))).toString('base64url'),
      },
      format: 'jwk',
    });
    return diffieHellman({ privateKey: importer(PROBE_PRIVATE), publicKey: base }).equals(PROBE_PUBLIC);
  } catch {
    return false;
  }
}

let chosen: keyof typeof importers | undefined;

/** Which form this Node imports private keys in (tests report it). */
export function x25519ImportForm(): keyof typeof importers {
  chosen ??= (['raw', 'jwk', 'pkcs8'] as const).find((name) => works(importers[name])) ?? 'pkcs8';
  return chosen;
}

export function importX25519Private(privateKey: Uint8Array): KeyObject {
  return importers[x25519ImportForm()](privateKey);
}
