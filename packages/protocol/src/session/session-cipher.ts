/**
 * The public 1:1 encrypt/decrypt entry points for established sessions
 * (docs/protocol.md §4.3, §4.6). Each call loads the record, computes
 * on it without side effects, checks identity trust, and only then commits
 * the state change and saves identity and record. A failed call stores nothing.
 */
import { ProtocolError } from '../errors.js';
import { PublicKey } from '../keys/index.js';
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from '../limits.js';
// One call at a time per session record: interleaved calls would reuse message keys.
import { withRecordLock } from '../record-lock.js';
import type { ProtocolAddress } from './address.js';
import { addressBinding } from './address-binding.js';
import {
  type CiphertextMessage,
  CiphertextMessageType,
  type SessionCiphertextType,
} from './ciphertext-message.js';
import { PreKeySignalMessage } from './prekey-signal-message.js';
import {
  commitDecryption,
  decryptWithState,
  type ExpectedBinding,
  type PendingDecryption,
} from './ratchet-receive.js';
import { commitEncryption, encryptWithState } from './ratchet-send.js';
import type { SessionRecord } from './session-record.js';
import type { SessionState } from './session-state.js';
import { SignalMessage } from './signal-message.js';
import { Direction, type IdentityKeyStore, type SessionStores } from './stores.js';

/**
 * Encrypts `plaintext` for `address`: a PreKey message (type 3) until the peer
 * has replied, a SignalMessage (type 2) after. Throws ProtocolError('NoSession')
 * without a usable session, 'UntrustedIdentity' when the peer's key is not trusted.
 *
 * @example
 * const out = await signalEncrypt(new TextEncoder().encode('hi'), bob, stores, Date.now());
 * transport.send(out.type(), out.serialize());
 */
export async function signalEncrypt(
  plaintext: Uint8Array,
  address: ProtocolAddress,
  stores: SessionStores,
  now: number = Date.now(),
): Promise<CiphertextMessage> {
  return withRecordLock(stores.sessions, `${address}`, async () => {
    if (!(plaintext instanceof Uint8Array))
      throw new TypeError('signalEncrypt: plaintext must be a Uint8Array');
    const record = await stores.sessions.getSession(address);
    const state = record?.current;
    if (record === null || state === undefined) throw noSession(address);
    const pending = state.pendingPreKey;
    if (pending !== undefined && now - pending.timestamp > MAX_UNACKNOWLEDGED_SESSION_AGE_MS) {
      throw noSession(address, 'unacknowledged session expired');
    }
    if (state.pqRatchet === undefined && stores.legacyClassicRatchet !== true) {
      // A classic session stored before SPQR: it still decrypts what is in
      // flight, but new messages need a new session from a fresh bundle.
      throw new ProtocolError('PqRatchetRequired', `session with ${address} has no post-quantum ratchet`, {
        address: `${address}`,
      });
    }
    // As libsignal: the binding goes into PreKey messages only, the ones a
    // session is established by.
    const local = pending === undefined ? undefined : stores.localAddress;
    const encrypted = encryptWithState(state, plaintext, local && addressBinding(local, address));
    await requireTrusted(stores.identities, address, state, Direction.Sending);
    commitEncryption(encrypted);
    await saveAll(stores, address, state, record);
    return new SessionCiphertext(encrypted.message);
  });
}

/** The CiphertextMessage of a 1:1 message. */
class SessionCiphertext implements CiphertextMessage {
  constructor(private readonly message: SignalMessage | PreKeySignalMessage) {}
  type(): SessionCiphertextType {
    return this.message instanceof PreKeySignalMessage
      ? CiphertextMessageType.PreKey
      : CiphertextMessageType.Whisper;
  }
  serialize(): Uint8Array {
    return this.message.serialize();
  }
}

/**
 * Decrypts a SignalMessage (type 2) from `address`, trying the current state
 * and then each archived one (§4.6). Throws ProtocolError: 'NoSession',
 * 'DuplicatedMessage', 'InvalidMessage' (no state decrypts it), 'UntrustedIdentity'.
 *
 * @example
 * const plaintext = await signalDecrypt(SignalMessage.deserialize(bytes), alice, stores);
 */
export async function signalDecrypt(
  message: SignalMessage | Uint8Array,
  address: ProtocolAddress,
  stores: SessionStores,
): Promise<Uint8Array> {
  return withRecordLock(stores.sessions, `${address}`, async () => {
    const parsed = message instanceof SignalMessage ? message : SignalMessage.deserialize(message);
    const record = await stores.sessions.getSession(address);
    if (record === null) throw noSession(address);
    const { state, pending, archivedIndex } = decryptAgainstRecord(
      record,
      parsed,
      address,
      expectedBinding(stores, address),
    );
    await requireTrusted(stores.identities, address, state, Direction.Receiving);
    commitDecryption(pending);
    if (archivedIndex !== undefined) record.promoteArchivedState(archivedIndex);
    await saveAll(stores, address, state, record);
    return pending.plaintext;
  });
}

interface Candidate {
  state: SessionState;
  pending: PendingDecryption;
  archivedIndex: number | undefined;
}

/** Current state first, then the archive; a duplicate anywhere ends the search (§4.6). */
function decryptAgainstRecord(
  record: SessionRecord,
  message: SignalMessage,
  address: ProtocolAddress,
  binding: ExpectedBinding | undefined,
): Candidate {
  // Index -1 is the current state, 0.. the archive, most recent first.
  let firstError: unknown;
  for (let i = record.current === undefined ? 0 : -1; i < record.archived.length; i++) {
    const state = (i < 0 ? record.current : record.archived[i]) as SessionState;
    try {
      const pending = decryptWithState(state, message, binding);
      return { state, pending, archivedIndex: i < 0 ? undefined : i };
    } catch (e) {
      if (!(e instanceof ProtocolError) || e.is('DuplicatedMessage')) throw e;
      firstError ??= e;
    }
  }
  if (firstError === undefined) throw noSession(address);
  // A peer that does not run SPQR gets the typed refusal, not a generic failure.
  if (firstError instanceof ProtocolError && firstError.is('PqRatchetRequired')) throw firstError;
  throw new ProtocolError('InvalidMessage', 'invalid Whisper message: decryption failed', {
    cause: firstError instanceof ProtocolError ? firstError.code : undefined,
  });
}

/** What field 6 of a message from `sender` must hold, when this device knows its own address. */
export function expectedBinding(stores: SessionStores, sender: ProtocolAddress): ExpectedBinding | undefined {
  const local = stores.localAddress;
  return local === undefined ? undefined : { expected: addressBinding(sender, local) };
}

/** Throws ProtocolError('UntrustedIdentity') unless the store trusts the state's remote identity. */
export async function requireTrusted(
  identities: IdentityKeyStore,
  address: ProtocolAddress,
  state: SessionState,
  direction: Direction,
): Promise<void> {
  const key = remoteIdentity(state);
  if (!(await identities.isTrustedIdentity(address, key, direction))) {
    throw new ProtocolError('UntrustedIdentity', `untrusted identity for ${address}`, {
      address: `${address}`,
    });
  }
}

/** Saves the peer identity and the record, in libsignal's order. */
export async function saveAll(
  stores: SessionStores,
  address: ProtocolAddress,
  state: SessionState,
  record: SessionRecord,
): Promise<void> {
  await stores.identities.saveIdentity(address, remoteIdentity(state));
  await stores.sessions.saveSession(address, record);
}

const identityCache = new WeakMap<Uint8Array, PublicKey>();

/** The state's remote identity as a PublicKey, parsed once per state. */
function remoteIdentity(state: SessionState): PublicKey {
  let key = identityCache.get(state.remoteIdentityKey);
  if (key === undefined) {
    key = PublicKey.deserialize(state.remoteIdentityKey);
    identityCache.set(state.remoteIdentityKey, key);
  }
  return key;
}

function noSession(address: ProtocolAddress, why = 'session not found'): ProtocolError {
  return new ProtocolError('NoSession', `${why}: ${address}`, { address: `${address}` });
}
