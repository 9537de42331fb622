/**
 * HMAC-SHA256 (RFC 2104) on node:crypto's one-shot `hash()`, for a Node whose
 * `createHmac` is slow: on Node 24 (OpenSSL 3.5) every createHmac call sets
 * up a MAC context that costs ≈ 30 µs, against ≈ 7 µs for the two one-shot
 * hashes of the construction below. On Node 20 (OpenSSL 3.0) createHmac is
 * the faster of the two (≈ 6 µs against ≈ 9 µs), so it stays there; HKDF
 * stays `hkdfSync` everywhere (it is faster than any construction on top).
 * The SHA-256 is OpenSSL's; only the two-line HMAC construction is spelled
 * out, checked against RFC 4231 vectors and against the noble backend on
 * random keys and data (test/kat/crypto-hmac-hkdf-rfc.test.ts,
 * test/kat/crypto-primitives.test.ts).
 */
import * as nodeCrypto from 'node:crypto';

const BLOCK = 64;
const DIGEST = 32;

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
const hash = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

/** OpenSSL 3.5 or later: where createHmac's per-call set-up dominates (measured on Node 24). */
function slowCreateHmac(): boolean {
  const [major = 0, minor = 0] = process.versions.openssl.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 5);
}

function build(sha256: (data: Uint8Array) => Buffer) {
  /** H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ data)), a key longer than a block hashed first (RFC 2104 §2). */
  return function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
    const k = key.length > BLOCK ? sha256(key) : key;
    const inner = new Uint8Array(BLOCK + data.length);
    const outer = new Uint8Array(BLOCK + DIGEST);
    inner.fill(0x36, 0, BLOCK);
    outer.fill(0x5c, 0, BLOCK);
    for (let i = 0; i < k.length; i++) {
      inner[i] = (inner[i] as number) ^ (k[i] as number);
      outer[i] = (outer[i] as number) ^ (k[i] as number);
    }
    if (k !== key) k.fill(0);
    inner.set(data, BLOCK);
    const innerDigest = sha256(inner);
    inner.fill(0);
    outer.set(innerDigest, BLOCK);
    innerDigest.fill(0);
    const tag = sha256(outer);
    outer.fill(0);
    const out = new Uint8Array(DIGEST);
    out.set(tag);
    tag.fill(0);
    return out;
  };
}

/** The construction itself, wherever `crypto.hash` exists (tests run it on every Node). */
export const oneShotHmacSha256: ((key: Uint8Array, data: Uint8Array) => Uint8Array) | undefined =
  hash === undefined ? undefined : build((data) => hash('sha256', data, 'buffer'));

/** What the backend uses: the one-shot form only where it is the faster one. */
export const preferredOneShotHmac = slowCreateHmac() ? oneShotHmacSha256 : undefined;
