/**
 * Child process of the key-generation watchdog (keygen-watchdog.ts): generates
 * X25519 key pairs through the node:crypto backend exactly as tacet does
 * (KeyPair.generate), checks a sample against the noble backend, and prints
 * `progress N` every PROGRESS_EVERY keys and `done N` at the end.
 *
 * Usage: node --conditions=source --import tsx keygen-loop.ts <count | 0 = until killed> [legacy]
 * `legacy` runs the pre-fix generator (generateKeyPairSync + JWK export) to
 * reproduce the Node 20 freeze.
 */
import { generateKeyPairSync } from 'node:crypto';
import { primitives } from '../../src/crypto/index.js';
import { nobleBackend } from '../../src/crypto/noble-backend.js';
import { nodeBackend } from '../../src/crypto/node-backend.node.js';
import { KeyPair } from '../../src/keys/index.js';

const PROGRESS_EVERY = 5000;
const count = Number(process.argv[2] ?? '0');
const legacy = process.argv[3] === 'legacy';

/** The generator tacet used before the fix: the freeze reproduction. */
function legacyGenerate(): void {
  const pair = generateKeyPairSync('x25519');
  pair.privateKey.export({ format: 'jwk' });
}

function generate(i: number): void {
  if (legacy) {
    legacyGenerate();
    return;
  }
  const pair = KeyPair.generate();
  if (i % 997 === 0) {
    const raw = pair.privateKey.serialize();
    const expected = nobleBackend.x25519PublicKey(raw);
    if (!pair.publicKey.bytes.every((b, j) => b === expected[j])) throw new Error(`wrong public key at ${i}`);
    if (nodeBackend.x25519PublicKey(raw).some((b, j) => b !== expected[j]))
      throw new Error(`x25519PublicKey at ${i}`);
  }
}

if (primitives.name !== nodeBackend.name) throw new Error(`backend is ${primitives.name}, not node:crypto`);
for (let i = 1; count === 0 || i <= count; i++) {
  generate(i);
  if (i % PROGRESS_EVERY === 0) process.stdout.write(`progress ${i}\n`);
}
process.stdout.write(`done ${count}\n`);
