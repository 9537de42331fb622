/**
 * The group entry points, in libsignal's shape: process a distribution
 * message, encrypt to our own chain, decrypt from a member's chain (docs/protocol.md §6).
 * Each call loads one SenderKeyRecord, computes, and saves it back only when
 * the operation succeeded, one call at a time per record (../record-lock.ts);
 * the state, key and codec work is delegated to the modules beside this one.
 */
import { primitives, zeroize } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { withRecordLock } from '../record-lock.js';
import type { ProtocolAddress } from '../session/address.js';
import { canonicalDistributionId } from './distribution-id.js';
import type { SenderKeyDistributionMessage } from './sender-key-distribution-message.js';
import { senderMessageKeys } from './sender-key-keys.js';
import { SenderKeyMessage } from './sender-key-message.js';
import { SenderKeyRecord } from './sender-key-record.js';
import type { SenderKeyState } from './sender-key-state.js';
import { type SenderKeyStore, senderKeyName } from './sender-key-store.js';

/**
 * Remembers a member's chain from their distribution message. Replaying an
 * SKDM we already hold is a no-op (it never rewinds the chain).
 *
 * @example
 * await processSenderKeyDistributionMessage(alice, SenderKeyDistributionMessage.deserialize(bytes), store);
 */
export async function processSenderKeyDistributionMessage(
  sender: ProtocolAddress,
  skdm: SenderKeyDistributionMessage,
  store: SenderKeyStore,
): Promise<void> {
  await withRecordLock(store, senderKeyName(sender, skdm.distributionId), async () => {
    const record = (await store.getSenderKey(sender, skdm.distributionId)) ?? new SenderKeyRecord();
    record.addState(
      skdm.messageVersion,
      skdm.chainId,
      skdm.iteration,
      skdm.chainKey.slice(),
      skdm.signingKey,
    );
    await store.saveSenderKey(sender, skdm.distributionId, record);
  });
}

/**
 * Encrypts `plaintext` to everyone holding our chain for `distributionId`.
 * Requires a prior `SenderKeyDistributionMessage.create` (else NoSession).
 *
 * @example
 * const message = await groupEncrypt(me, distributionId, store, plaintext);
 * fanOut(message.serialize()); // CiphertextMessageType message.type() === 7
 */
export async function groupEncrypt(
  ownAddress: ProtocolAddress,
  distributionIdText: string,
  store: SenderKeyStore,
  plaintext: Uint8Array,
): Promise<SenderKeyMessage> {
  const distributionId = canonicalDistributionId(distributionIdText);
  return withRecordLock(store, senderKeyName(ownAddress, distributionId), () =>
    encryptLocked(ownAddress, distributionId, store, plaintext),
  );
}

async function encryptLocked(
  ownAddress: ProtocolAddress,
  distributionId: string,
  store: SenderKeyStore,
  plaintext: Uint8Array,
): Promise<SenderKeyMessage> {
  const record = await store.getSenderKey(ownAddress, distributionId);
  const state = record?.currentState();
  if (record === null || state === undefined) {
    throw new ProtocolError('NoSession', `no sender key state for distribution id ${distributionId}`, {
      distributionId,
    });
  }
  const signingPrivateKey = state.signingPrivateKey;
  if (signingPrivateKey === undefined) {
    throw new ProtocolError('InvalidSenderKeySession', 'sender key state has no signing private key', {
      distributionId,
    });
  }
  const step = state.prepareSend();
  const keys = senderMessageKeys(step.seed);
  const ciphertext = primitives.aes256CbcEncrypt(keys.cipherKey, keys.iv, plaintext);
  zeroize(keys.cipherKey, keys.iv, step.seed);
  const message = SenderKeyMessage.create(
    { distributionId, chainId: state.chainId, iteration: step.iteration, ciphertext },
    signingPrivateKey,
  );
  step.commit();
  await store.saveSenderKey(ownAddress, distributionId, record);
  return message;
}

/**
 * Decrypts a SenderKeyMessage from `sender`. Throws ProtocolError:
 * NoSession (no chain for its distribution id / chain id), InvalidSignature,
 * DuplicatedMessage (an iteration already consumed), InvalidMessage
 * (malformed, too far in the future, bad padding), LegacyMessage /
 * UnsupportedVersion. A failed call leaves the stored record unchanged.
 *
 * @example
 * const plaintext = await groupDecrypt(alice, store, bytes);
 */
export async function groupDecrypt(
  sender: ProtocolAddress,
  store: SenderKeyStore,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const message = SenderKeyMessage.deserialize(bytes);
  return withRecordLock(store, senderKeyName(sender, message.distributionId), () =>
    decryptLocked(sender, store, message),
  );
}

async function decryptLocked(
  sender: ProtocolAddress,
  store: SenderKeyStore,
  message: SenderKeyMessage,
): Promise<Uint8Array> {
  const record = await store.getSenderKey(sender, message.distributionId);
  const state = record?.stateForChainId(message.chainId);
  if (record === null || state === undefined) {
    throw new ProtocolError(
      'NoSession',
      `no sender key state for distribution id ${message.distributionId}`,
      {
        distributionId: message.distributionId,
        chainId: message.chainId,
      },
    );
  }
  const plaintext = decryptWithState(state, message);
  await store.saveSenderKey(sender, message.distributionId, record);
  return plaintext;
}

/** docs/protocol.md §6 decrypt order: version, signature, iteration (old / jump), then the cipher. */
function decryptWithState(state: SenderKeyState, message: SenderKeyMessage): Uint8Array {
  if (message.messageVersion !== state.messageVersion) {
    throw new ProtocolError('InvalidMessage', 'sender key message version does not match its state');
  }
  if (!message.verifySignature(state.signingKey)) {
    throw new ProtocolError('InvalidSignature', 'sender key message signature validation failed', {
      chainId: message.chainId,
    });
  }
  const step = state.prepareReceive(message.iteration);
  const keys = senderMessageKeys(step.seed);
  try {
    const plaintext = primitives.aes256CbcDecrypt(keys.cipherKey, keys.iv, message.ciphertext);
    step.commit();
    step.seed.fill(0); // used up; a failed attempt keeps a stored seed intact instead
    return plaintext;
  } finally {
    zeroize(keys.cipherKey, keys.iv);
  }
}
