/**
 * The responder's half of PQXDH and the PreKey-message entry point
 * (docs/protocol.md §3 "Bob", §4.6): reuse the state this base key
 * already created, or build a new one from our prekeys, then decrypt the
 * embedded SignalMessage against it alone. Prekeys are consumed and anything
 * is stored only after the MAC verifies.
 */
import { ProtocolError } from '../errors.js';
import { kemDecapsulate, PublicKey } from '../keys/index.js';
// One call at a time per session record: interleaved calls would reuse message keys.
import { withRecordLock } from '../record-lock.js';
import { initialPqRatchet } from '../spqr/ratchet.js';
import type { ProtocolAddress } from './address.js';
import { responderMasterKeys } from './pqxdh.js';
import { PreKeySignalMessage } from './prekey-signal-message.js';
import { commitDecryption, decryptWithState } from './ratchet-receive.js';
import { expectedBinding, requireTrusted, saveAll } from './session-cipher.js';
import { SessionRecord } from './session-record.js';
import { bytesEqual, SESSION_VERSION, type SessionState } from './session-state.js';
import { Direction, type PreKeyStores } from './stores.js';

/**
 * Decrypts a PreKeySignalMessage (type 3) from `address`, creating the session
 * on first contact. Throws ProtocolError: 'UntrustedIdentity', 'InvalidMessage',
 * 'DuplicatedMessage', 'InvalidSignedPreKeyId' / 'InvalidKyberPreKeyId' /
 * 'InvalidPreKeyId' (from the stores) and 'InvalidKey'.
 *
 * @example
 * const plaintext = await signalDecryptPreKey(PreKeySignalMessage.deserialize(bytes), alice, stores);
 */
export async function signalDecryptPreKey(
  message: PreKeySignalMessage | Uint8Array,
  address: ProtocolAddress,
  stores: PreKeyStores,
): Promise<Uint8Array> {
  return withRecordLock(stores.sessions, `${address}`, async () => {
    const parsed =
      message instanceof PreKeySignalMessage ? message : PreKeySignalMessage.deserialize(message);
    const theirIdentity = PublicKey.deserialize(parsed.identityKey);
    if (!(await stores.identities.isTrustedIdentity(address, theirIdentity, Direction.Receiving))) {
      throw new ProtocolError('UntrustedIdentity', `untrusted identity for ${address}`, {
        address: `${address}`,
      });
    }
    const record = (await stores.sessions.getSession(address)) ?? new SessionRecord();
    const existing = record.findByBaseKey(parsed.messageVersion, parsed.baseKey);
    const state =
      existing === undefined
        ? await newResponderState(parsed, theirIdentity, stores)
        : existing < 0
          ? (record.current as SessionState)
          : (record.archived[existing] as SessionState);
    const pending = decryptWithState(state, parsed.message, expectedBinding(stores, address));
    await requireTrusted(stores.identities, address, state, Direction.Receiving);
    commitDecryption(pending);
    if (existing === undefined) record.promoteState(state);
    else if (existing >= 0) record.promoteArchivedState(existing);
    await saveAll(stores, address, state, record);
    // A reused state consumed its prekeys when it was created (§3 "Bob" step 2).
    if (existing === undefined) {
      if (parsed.preKeyId !== undefined) await stores.preKeys.removePreKey(parsed.preKeyId);
      await stores.kyberPreKeys.markKyberPreKeyUsed(parsed.kyberPreKeyId);
    }
    return pending.plaintext;
  });
}

/** §3 "Bob" step 3: the state Alice's secrets imply, not yet in any record. */
async function newResponderState(
  message: PreKeySignalMessage,
  theirIdentity: PublicKey,
  stores: PreKeyStores,
): Promise<SessionState> {
  if (message.messageVersion !== SESSION_VERSION) {
    throw new ProtocolError('UnsupportedVersion', `unsupported session version ${message.messageVersion}`);
  }
  const signed = await stores.signedPreKeys.getSignedPreKey(message.signedPreKeyId);
  const kyber = await stores.kyberPreKeys.getKyberPreKey(message.kyberPreKeyId);
  const oneTime =
    message.preKeyId === undefined ? undefined : await stores.preKeys.getPreKey(message.preKeyId);
  const ourIdentity = await stores.identities.getIdentityKeyPair();
  const localIdentityKey = ourIdentity.publicKey.serialize();
  const kemSharedSecret = kemDecapsulate(kyber.keyPair.secretKey, message.kyberCiphertext);
  const master = responderMasterKeys({
    ourIdentity: ourIdentity.privateKey,
    ourSignedPreKey: signed.keyPair.privateKey,
    ourOneTimePreKey: oneTime?.keyPair.privateKey,
    theirIdentity,
    theirBaseKey: PublicKey.deserialize(message.baseKey),
    kemSharedSecret,
  });
  return {
    version: SESSION_VERSION,
    localIdentityKey,
    remoteIdentityKey: message.identityKey,
    rootKey: master.rootKey,
    previousCounter: 0,
    // Our signed prekey is our first ratchet key (§3 step 7).
    senderChain: {
      ratchetPublic: signed.keyPair.publicKey.bytes.slice(),
      ratchetPrivate: signed.keyPair.privateKey.serialize(),
      chainKey: master.chainKey,
      index: 0,
    },
    receiverChains: [],
    pendingPreKey: undefined,
    localRegistrationId: await stores.identities.getLocalRegistrationId(),
    remoteRegistrationId: message.registrationId,
    aliceBaseKey: message.baseKey,
    pqRatchet:
      stores.legacyClassicRatchet === true
        ? undefined
        : initialPqRatchet(master.pqrKey, false, bytesEqual(localIdentityKey, message.identityKey)),
  };
}
