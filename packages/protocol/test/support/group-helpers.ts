/**
 * Helpers for group tests: a fresh sender/receiver pair sharing one chain,
 * and a way to mint a validly signed SenderKeyMessage at any iteration
 * (to probe limits without encrypting 25 000 messages).
 */
import { primitives } from '../../src/crypto/index.js';
import {
  InMemorySenderKeyStore,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
  senderMessageKeys,
} from '../../src/group/index.js';
import { nextSenderChainKey, senderMessageSeed } from '../../src/group/sender-key-keys.js';
import { ProtocolAddress } from '../../src/session/index.js';

export const DIST = '5b2e9f0c-1a3d-4c7b-8e6f-0d9c8b7a6f5e';
export const ALICE = ProtocolAddress.new('alice', 1);

/** Alice's store (owner of the chain), Bob's store (holding her SKDM) and the SKDM. */
export async function groupPair(): Promise<{
  aliceStore: InMemorySenderKeyStore;
  bobStore: InMemorySenderKeyStore;
  skdm: SenderKeyDistributionMessage;
}> {
  const aliceStore = new InMemorySenderKeyStore();
  const bobStore = new InMemorySenderKeyStore();
  const skdm = await SenderKeyDistributionMessage.create(ALICE, DIST, aliceStore);
  await processSenderKeyDistributionMessage(ALICE, skdm, bobStore);
  return { aliceStore, bobStore, skdm };
}

/** A message Alice's chain would produce at `iteration`, with `ciphertext` overriding the real one. */
export async function messageAt(
  aliceStore: InMemorySenderKeyStore,
  skdm: SenderKeyDistributionMessage,
  iteration: number,
  plaintext: Uint8Array,
  ciphertext?: Uint8Array,
): Promise<Uint8Array> {
  const state = (await aliceStore.getSenderKey(ALICE, DIST))?.currentState();
  if (state?.signingPrivateKey === undefined) throw new Error('no own chain');
  let chainKey = skdm.chainKey;
  for (let i = skdm.iteration; i < iteration; i++) chainKey = nextSenderChainKey(chainKey);
  const keys = senderMessageKeys(senderMessageSeed(chainKey));
  const body = ciphertext ?? primitives.aes256CbcEncrypt(keys.cipherKey, keys.iv, plaintext);
  return SenderKeyMessage.create(
    { distributionId: DIST, chainId: state.chainId, iteration, ciphertext: body },
    state.signingPrivateKey,
  ).serialize();
}
