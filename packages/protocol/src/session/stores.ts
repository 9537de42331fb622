/**
 * Store ports the session layer consumes, shaped like libsignal's
 * (docs/protocol.md §9 "Stores"): every method is async and persists
 * records, never live objects it could mutate later. The session code reads
 * a record, computes on it, and saves it back only when an operation succeeds.
 */
import type {
  IdentityKeyPair,
  KyberPreKeyRecord,
  PreKeyRecord,
  PublicKey,
  SignedPreKeyRecord,
} from '../keys/index.js';
import type { ProtocolAddress } from './address.js';
import type { SessionRecord } from './session-record.js';

/** Which way a message travels when an identity's trust is asked about. */
export const Direction = { Sending: 0, Receiving: 1 } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** What `saveIdentity` did. */
export const IdentityChange = { NewOrUnchanged: 0, ReplacedExisting: 1 } as const;
export type IdentityChange = (typeof IdentityChange)[keyof typeof IdentityChange];

/**
 * Session records per peer device. A store may keep the record object (an
 * in-memory store) or `record.serialize()` it (a database); the session code
 * never touches a record again after handing it to `saveSession`.
 */
export interface SessionStore {
  getSession(address: ProtocolAddress): Promise<SessionRecord | null>;
  saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void>;
}

/** Our identity and the trust decisions about everybody else's. */
export interface IdentityKeyStore {
  getIdentityKeyPair(): Promise<IdentityKeyPair>;
  getLocalRegistrationId(): Promise<number>;
  /** Remembers `key` for `address`; says whether it replaced a different one. */
  saveIdentity(address: ProtocolAddress, key: PublicKey): Promise<IdentityChange>;
  /** The application's trust decision (first use, verified, changed...). */
  isTrustedIdentity(address: ProtocolAddress, key: PublicKey, direction: Direction): Promise<boolean>;
  getIdentity(address: ProtocolAddress): Promise<PublicKey | null>;
}

/** One-time EC prekeys. `getPreKey` throws ProtocolError('InvalidPreKeyId') when missing. */
export interface PreKeyStore {
  savePreKey(id: number, record: PreKeyRecord): Promise<void>;
  getPreKey(id: number): Promise<PreKeyRecord>;
  removePreKey(id: number): Promise<void>;
}

/** Signed EC prekeys. `getSignedPreKey` throws ProtocolError('InvalidSignedPreKeyId') when missing. */
export interface SignedPreKeyStore {
  saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void>;
  getSignedPreKey(id: number): Promise<SignedPreKeyRecord>;
}

/**
 * Signed Kyber prekeys. `getKyberPreKey` throws ProtocolError('InvalidKyberPreKeyId')
 * when missing; `markKyberPreKeyUsed` lets the application delete a one-time
 * key or keep a last-resort one.
 */
export interface KyberPreKeyStore {
  saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void>;
  getKyberPreKey(id: number): Promise<KyberPreKeyRecord>;
  markKyberPreKeyUsed(id: number): Promise<void>;
}

/** What encrypting, decrypting Whisper messages and processing a bundle need. */
export interface SessionStores {
  sessions: SessionStore;
  identities: IdentityKeyStore;
  /**
   * Interop with pre-SPQR libsignal (≤ 0.91) only; never set by tacet clients.
   * When true, new sessions run the classic Double Ratchet without the
   * post-quantum ratchet, and classic sessions may send. When absent, every
   * new session runs SPQR, a peer without it is refused with
   * ProtocolError('PqRatchetRequired'), and a classic session stored before
   * SPQR still decrypts but refuses to send until a new session replaces it.
   */
  legacyClassicRatchet?: boolean;
  /**
   * This device's own address. When set, PreKey messages to service-id addresses
   * carry libsignal's address binding (SignalMessage field 6), and a received
   * message whose binding names other addresses is refused. When absent, no
   * binding is written and a received one is not checked.
   */
  localAddress?: ProtocolAddress;
}

/** What decrypting a PreKeySignalMessage needs in addition. */
export interface PreKeyStores extends SessionStores {
  preKeys: PreKeyStore;
  signedPreKeys: SignedPreKeyStore;
  kyberPreKeys: KyberPreKeyStore;
}
