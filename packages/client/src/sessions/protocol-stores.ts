/**
 * The protocol package's store ports (sessions, identities, prekeys) on top of
 * the client's ClientStore. Writes are staged in memory and leave only through
 * `takeWrites()`, so the caller commits them in the same atomic batch as the
 * message they belong to: a crash can never advance the ratchet without
 * keeping the message, or keep the message without the ratchet.
 *
 * Trust: the latest identity key seen for a peer ('identity') is kept apart
 * from the one the user accepted ('trusted-identity'). The first key is
 * accepted on first use; a different one later is recorded but not trusted
 * for sending until `acceptIdentity`.
 */
import {
  Direction,
  IdentityChange,
  IdentityKeyPair,
  KyberPreKeyRecord,
  PreKeyRecord,
  type PreKeyStores,
  type ProtocolAddress,
  ProtocolError,
  PublicKey,
  SessionRecord,
  SignedPreKeyRecord,
  StaticSecrets,
} from '@tacet/protocol';
import type { ClientStore } from '../store/types.js';

export const NS = {
  session: 'session',
  identity: 'identity',
  trusted: 'trusted-identity',
  preKey: 'prekey',
  signedPreKey: 'signed-prekey',
  kyberPreKey: 'kyber-prekey',
  self: 'self',
} as const;

/** Keys kept parsed: ours, and one per peer. */
const PARSED_KEYS = 4096;
/** Session registration ids kept: every device of a 1,000-member group (5 devices each) and ours. */
const PARSED_REGISTRATION_IDS = 5_100;

type Write = { ns: string; key: string; value: Uint8Array | null };
const sk = (ns: string, key: string) => `${ns}\u0000${key}`;
const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const readU32 = (b: Uint8Array) =>
  (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Staged read-through/write-back view of the protocol records. */
export class ProtocolStores implements PreKeyStores {
  readonly #store: ClientStore;
  readonly #staged = new Map<string, Write>();
  /**
   * Keys parsed from their record bytes, reused while the bytes stay the
   * same: a parsed key keeps its imported native handle, so our own private
   * key and a peer's public key are imported once, not once per message.
   */
  readonly #parsed = new Map<string, { bytes: Uint8Array; value: unknown }>();
  /** The same for session records' registration ids (apart, so a large group never evicts keys). */
  readonly #registrationIds = new Map<string, { bytes: Uint8Array; value: unknown }>();
  /** Sealed sender's static–static agreement per peer identity, computed once (not per envelope). */
  readonly staticSecrets = new StaticSecrets();

  constructor(store: ClientStore) {
    this.#store = store;
  }

  async get(ns: string, key: string): Promise<Uint8Array | undefined> {
    const w = this.#staged.get(sk(ns, key));
    if (w) return w.value ?? undefined;
    return this.#store.getRecord(ns, key);
  }

  /** Committed records of a namespace (staged writes not included). */
  listStored(ns: string) {
    return this.#store.listRecords(ns);
  }

  /** `parse(bytes)`, or the value it gave for these very bytes before. */
  #parse<T>(
    ns: string,
    key: string,
    bytes: Uint8Array,
    parse: (b: Uint8Array) => T,
    cache = this.#parsed,
    bound = PARSED_KEYS,
  ): T {
    const k = sk(ns, key);
    const hit = cache.get(k);
    if (hit && sameBytes(hit.bytes, bytes)) return hit.value as T;
    const value = parse(bytes);
    // Bounded by the records it is asked for.
    if (cache.size >= bound) cache.clear();
    cache.set(k, { bytes: bytes.slice(), value });
    return value;
  }

  #publicKey(ns: string, name: string, bytes: Uint8Array): PublicKey {
    return this.#parse(ns, name, bytes, PublicKey.deserialize);
  }

  set(ns: string, key: string, value: Uint8Array | null): void {
    this.#staged.set(sk(ns, key), { ns, key, value });
  }

  /** Hands over (and forgets) every staged write, for one atomic `apply`. */
  takeWrites(): Write[] {
    const out = [...this.#staged.values()];
    this.#staged.clear();
    return out;
  }

  /** A copy of the staged writes, to roll one failed operation back with `restore`. */
  checkpoint(): Map<string, Write> {
    return new Map(this.#staged);
  }

  restore(mark: Map<string, Write>): void {
    this.#staged.clear();
    for (const [k, v] of mark) this.#staged.set(k, v);
  }

  /** Drops staged writes after a failed operation. */
  discard(): void {
    this.#staged.clear();
  }

  async #must(
    ns: string,
    key: string,
    code: 'InvalidPreKeyId' | 'InvalidSignedPreKeyId' | 'InvalidKyberPreKeyId',
  ) {
    const v = await this.get(ns, key);
    if (!v) throw new ProtocolError(code, `no ${ns} with id ${key}`);
    return v;
  }

  readonly sessions = {
    getSession: async (a: ProtocolAddress) => {
      const v = await this.get(NS.session, a.toString());
      return v ? SessionRecord.deserialize(v) : null;
    },
    saveSession: async (a: ProtocolAddress, r: SessionRecord) =>
      this.set(NS.session, a.toString(), r.serialize()),
  };

  /**
   * The registration id of the current session with `a`, read once per record bytes: a group
   * send needs only this of each member's session, not the whole record rebuilt (≈ 6.5 µs each).
   */
  async remoteRegistrationId(a: ProtocolAddress): Promise<number | undefined> {
    const key = a.toString();
    const v = await this.get(NS.session, key);
    if (!v) return undefined;
    const read = (b: Uint8Array) => SessionRecord.deserialize(b).remoteRegistrationId();
    return this.#parse(NS.session, key, v, read, this.#registrationIds, PARSED_REGISTRATION_IDS);
  }

  readonly identities = {
    getIdentityKeyPair: async () => {
      const v = await this.get(NS.self, 'identity-key-pair');
      if (!v) throw new ProtocolError('InvalidKey', 'this profile has no identity key yet');
      return this.#parse(NS.self, 'identity-key-pair', v, IdentityKeyPair.deserialize);
    },
    getLocalRegistrationId: async () =>
      readU32((await this.get(NS.self, 'registration-id')) ?? new Uint8Array(4)),
    saveIdentity: async (a: ProtocolAddress, key: PublicKey) => {
      const old = await this.get(NS.identity, a.name);
      const bytes = key.serialize();
      if (!old) {
        this.set(NS.identity, a.name, bytes);
        this.set(NS.trusted, a.name, bytes);
        return IdentityChange.NewOrUnchanged;
      }
      // Called for every message received: the same key is not written again.
      if (this.#publicKey(NS.identity, a.name, old).equals(key)) return IdentityChange.NewOrUnchanged;
      this.set(NS.identity, a.name, bytes);
      return IdentityChange.ReplacedExisting;
    },
    isTrustedIdentity: async (a: ProtocolAddress, key: PublicKey, direction: Direction) => {
      const trusted = await this.get(NS.trusted, a.name);
      if (!trusted || this.#publicKey(NS.trusted, a.name, trusted).equals(key)) return true;
      if (direction === Direction.Sending) return false;
      // Receiving: also from the latest key seen, once it is stored (a key the user accepted a claim
      // of, or the one a session already has); a PreKey message cannot bring in a key of its own.
      const latest = await this.get(NS.identity, a.name);
      return latest !== undefined && this.#publicKey(NS.identity, a.name, latest).equals(key);
    },
    getIdentity: async (a: ProtocolAddress) => {
      const v = await this.get(NS.identity, a.name);
      return v ? this.#publicKey(NS.identity, a.name, v) : null;
    },
  };

  readonly preKeys = {
    savePreKey: async (id: number, r: PreKeyRecord) => this.set(NS.preKey, String(id), r.serialize()),
    getPreKey: async (id: number) =>
      PreKeyRecord.deserialize(await this.#must(NS.preKey, String(id), 'InvalidPreKeyId')),
    removePreKey: async (id: number) => this.set(NS.preKey, String(id), null),
  };

  readonly signedPreKeys = {
    saveSignedPreKey: async (id: number, r: SignedPreKeyRecord) =>
      this.set(NS.signedPreKey, String(id), r.serialize()),
    getSignedPreKey: async (id: number) =>
      SignedPreKeyRecord.deserialize(await this.#must(NS.signedPreKey, String(id), 'InvalidSignedPreKeyId')),
  };

  readonly kyberPreKeys = {
    saveKyberPreKey: async (id: number, r: KyberPreKeyRecord) =>
      this.set(NS.kyberPreKey, String(id), r.serialize()),
    getKyberPreKey: async (id: number) =>
      KyberPreKeyRecord.deserialize(await this.#must(NS.kyberPreKey, String(id), 'InvalidKyberPreKeyId')),
    markKyberPreKeyUsed: async (id: number) => {
      // The last-resort key stays until rotation; one-time keys go at once.
      const lastResort = await this.get(NS.self, 'kyber-last-resort-id');
      if (!lastResort || readU32(lastResort) !== id) this.set(NS.kyberPreKey, String(id), null);
    },
  };

  /** Our registration id, stored as 4 bytes. */
  setRegistrationId(id: number): void {
    this.set(NS.self, 'registration-id', u32(id));
  }

  setKyberLastResortId(id: number): void {
    this.set(NS.self, 'kyber-last-resort-id', u32(id));
  }

  /** The identity key the user accepted for `name`, and the latest one seen. */
  async trustState(
    name: string,
  ): Promise<{ trusted: Uint8Array | undefined; latest: Uint8Array | undefined }> {
    return { trusted: await this.get(NS.trusted, name), latest: await this.get(NS.identity, name) };
  }

  /** Accepts the latest key seen for `name` (after the user compared safety numbers). */
  async acceptIdentity(name: string): Promise<void> {
    const latest = await this.get(NS.identity, name);
    if (latest) this.set(NS.trusted, name, latest);
  }
}

export { readU32, u32 };
