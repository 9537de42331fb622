/**
 * The initiator's half of PQXDH (docs/protocol.md §3 "Alice"): check
 * trust and both prekey signatures, encapsulate to the Kyber prekey, derive
 * the first root and chains, and store a session that sends PreKey messages
 * until Bob replies. A bundle without a Kyber prekey is refused: tacet never
 * builds a classic X3DH session.
 */

import { primitives } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import { type IdentityKeyPair, kemEncapsulate, type PreKeyBundle, PrivateKey } from '../keys/index.js';
// One call at a time per session record: interleaved calls would reuse message keys.
import { withRecordLock } from '../record-lock.js';
import { initialPqRatchet } from '../spqr/ratchet.js';
import type { ProtocolAddress } from './address.js';
import { rootStep } from './kdf.js';
import { initiatorMasterKeys } from './pqxdh.js';
import { SessionRecord } from './session-record.js';
import { bytesEqual, SESSION_VERSION, type SessionState } from './session-state.js';
import { Direction, type SessionStores } from './stores.js';

/**
 * Starts (or restarts) a session with `address` from its prekey bundle.
 * Throws ProtocolError: 'InvalidKey' (no Kyber prekey), 'UntrustedIdentity',
 * 'InvalidSignature' (signed or Kyber prekey signature does not verify).
 *
 * @example
 * await processPreKeyBundle(bundle, ProtocolAddress.new('bob', 1), stores, Date.now());
 * const first = await signalEncrypt(text, bob, stores, Date.now()); // a PreKey message
 */
export async function processPreKeyBundle(
  bundle: PreKeyBundle,
  address: ProtocolAddress,
  stores: SessionStores,
  now: number = Date.now(),
): Promise<void> {
  return withRecordLock(stores.sessions, `${address}`, async () => {
    if (bundle.kyberPreKey === undefined || bundle.kyberPreKey === null) {
      throw new ProtocolError('InvalidKey', 'bundle has no Kyber prekey; tacet refuses X3DH-only sessions');
    }
    const { identities, sessions } = stores;
    if (!(await identities.isTrustedIdentity(address, bundle.identityKey, Direction.Sending))) {
      throw new ProtocolError('UntrustedIdentity', `untrusted identity for ${address}`, {
        address: `${address}`,
      });
    }
    verifyBundleSignatures(bundle);
    const state = initiatorState(
      bundle,
      await identities.getIdentityKeyPair(),
      await identities.getLocalRegistrationId(),
      now,
      stores.legacyClassicRatchet !== true,
    );
    const record = (await sessions.getSession(address)) ?? new SessionRecord();
    record.promoteState(state);
    await identities.saveIdentity(address, bundle.identityKey);
    await sessions.saveSession(address, record);
  });
}

/** §3 "Alice" step 2: both prekey signatures, over the serialized keys with their type bytes. */
function verifyBundleSignatures(bundle: PreKeyBundle): void {
  const { signedPreKey, kyberPreKey, identityKey } = bundle;
  if (!identityKey.verifySignature(signedPreKey.publicKey.serialize(), signedPreKey.signature)) {
    throw new ProtocolError('InvalidSignature', 'signed prekey signature does not verify');
  }
  if (!identityKey.verifySignature(kyberPreKey.publicKey.serialize(), kyberPreKey.signature)) {
    throw new ProtocolError('InvalidSignature', 'Kyber prekey signature does not verify');
  }
}

/** §3 "Alice" steps 3–7: the new state, sending PreKey messages until the first reply. */
function initiatorState(
  bundle: PreKeyBundle,
  ourIdentity: IdentityKeyPair,
  localRegistrationId: number,
  now: number,
  withPqRatchet: boolean,
): SessionState {
  const spk = bundle.signedPreKey;
  const base = PrivateKey.generate();
  const kem = kemEncapsulate(bundle.kyberPreKey.publicKey);
  const master = initiatorMasterKeys({
    ourIdentity: ourIdentity.privateKey,
    ourBase: base,
    theirIdentity: bundle.identityKey,
    theirSignedPreKey: spk.publicKey,
    theirOneTimePreKey: bundle.preKey?.publicKey,
    kemSharedSecret: kem.sharedSecret,
  });
  // Bob's signed prekey is his first ratchet key, so Alice ratchets at once (§3 step 7).
  const ratchet = primitives.x25519Generate();
  const sending = rootStep(master.rootKey, primitives.x25519Agree(ratchet.privateKey, spk.publicKey.bytes));
  const baseKey = base.getPublicKey().serialize();
  base.zeroize();
  const localIdentityKey = ourIdentity.publicKey.serialize();
  const remoteIdentityKey = bundle.identityKey.serialize();
  return {
    version: SESSION_VERSION,
    localIdentityKey,
    remoteIdentityKey,
    rootKey: sending.rootKey,
    previousCounter: 0,
    senderChain: {
      ratchetPublic: ratchet.publicKey,
      ratchetPrivate: ratchet.privateKey,
      chainKey: sending.chainKey,
      index: 0,
    },
    receiverChains: [
      { ratchetPublic: spk.publicKey.bytes.slice(), chainKey: master.chainKey, index: 0, skipped: new Map() },
    ],
    pendingPreKey: {
      preKeyId: bundle.preKey?.id,
      signedPreKeyId: spk.id,
      baseKey,
      timestamp: now,
      kyberPreKeyId: bundle.kyberPreKey.id,
      kyberCiphertext: kem.ciphertext,
    },
    localRegistrationId,
    remoteRegistrationId: bundle.registrationId,
    aliceBaseKey: baseKey,
    pqRatchet: withPqRatchet
      ? initialPqRatchet(master.pqrKey, true, bytesEqual(localIdentityKey, remoteIdentityKey))
      : undefined,
  };
}
