/**
 * Baseline: the crypto no client can skip. Alice encrypts `count` messages
 * for Bob after one round trip (so they are plain SignalMessages) and seals
 * each in a sealed-sender v1 envelope, as tacet does. Bob's loop is timed:
 * unseal (both DH agreements, as libsignal does them, no cache) and ratchet
 * decrypt. In-memory stores keep record objects: no serialization, no I/O.
 * The certificate check is left out: a client checks a peer's certificate
 * once, not per message.
 */
import {
  ContentHint,
  processPreKeyBundle,
  SenderCertificate,
  ServerCertificate,
  sealedSenderDecryptToUsmc,
  sealedSenderEncrypt,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
  UnidentifiedSenderMessageContent,
} from '@tacet/protocol';
import { createTacetParty } from '../../packages/protocol/test/support/tacet-party.js';

export async function bareDecryptRate(count: number): Promise<number> {
  const alice = createTacetParty('alice');
  const bob = createTacetParty('bob');
  await processPreKeyBundle(await bob.bundle(), bob.address, alice.stores, Date.now());
  const first = await signalEncrypt(new Uint8Array(160), bob.address, alice.stores);
  await signalDecryptPreKey(first.serialize(), alice.address, bob.stores);
  const reply = await signalEncrypt(new Uint8Array(160), alice.address, bob.stores);
  await signalDecrypt(reply.serialize(), bob.address, alice.stores);
  const signer = ServerCertificate.create(1, alice.identity.publicKey, alice.identity.privateKey);
  const cert = SenderCertificate.create(
    {
      senderUuid: alice.address.name,
      senderE164: null,
      senderDeviceId: 1,
      identityKey: alice.identity.publicKey,
      expiration: Date.now() + 86_400_000,
      signer,
    },
    alice.identity.privateKey,
  );
  const sealed: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const ct = await signalEncrypt(new Uint8Array(160).fill(n & 0xff), bob.address, alice.stores);
    const usmc = UnidentifiedSenderMessageContent.create(ct, cert, ContentHint.Default, null);
    sealed.push(await sealedSenderEncrypt(usmc, bob.address, alice.stores.identities));
  }
  const start = performance.now();
  for (const s of sealed) {
    const usmc = await sealedSenderDecryptToUsmc(s, bob.stores.identities);
    await signalDecrypt(usmc.contents, alice.address, bob.stores);
  }
  return count / ((performance.now() - start) / 1000);
}
