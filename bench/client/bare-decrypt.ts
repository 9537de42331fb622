/**
 * Baseline: the protocol alone. Alice encrypts `count` messages for Bob after
 * one round trip (so they are plain SignalMessages), then Bob's decrypt loop
 * is timed. In-memory stores keep record objects: no serialization, no I/O.
 */
import { processPreKeyBundle, signalDecrypt, signalDecryptPreKey, signalEncrypt } from '@tacet/protocol';
import { createTacetParty } from '../../packages/protocol/test/support/tacet-party.js';

export async function bareDecryptRate(count: number): Promise<number> {
  const alice = createTacetParty('alice');
  const bob = createTacetParty('bob');
  await processPreKeyBundle(await bob.bundle(), bob.address, alice.stores, Date.now());
  const first = await signalEncrypt(new Uint8Array(160), bob.address, alice.stores);
  await signalDecryptPreKey(first.serialize(), alice.address, bob.stores);
  const reply = await signalEncrypt(new Uint8Array(160), alice.address, bob.stores);
  await signalDecrypt(reply.serialize(), bob.address, alice.stores);
  const texts: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    texts.push(
      (await signalEncrypt(new Uint8Array(160).fill(n & 0xff), bob.address, alice.stores)).serialize(),
    );
  }
  const start = performance.now();
  for (const t of texts) await signalDecrypt(t, alice.address, bob.stores);
  return count / ((performance.now() - start) / 1000);
}
