/**
 * In-memory implementations of tacet's session store ports, for tests and
 * benchmarks. They keep record objects like libsignal's own test stores do;
 * a real application persists `record.serialize()` instead.
 */
import {
  Direction,
  IdentityChange,
  type IdentityKeyPair,
  type IdentityKeyStore,
  type KyberPreKeyRecord,
  type KyberPreKeyStore,
  type PreKeyRecord,
  type PreKeyStore,
  type PreKeyStores,
  type ProtocolAddress,
  ProtocolError,
  type PublicKey,
  type SessionRecord,
  type SessionStore,
  type SignedPreKeyRecord,
  type SignedPreKeyStore,
} from '../../src/index.js';

export class InMemorySessionStore implements SessionStore {
  readonly records = new Map<string, SessionRecord>();
  async getSession(address: ProtocolAddress): Promise<SessionRecord | null> {
    return this.records.get(address.toString()) ?? null;
  }
  async saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.records.set(address.toString(), record);
  }
}

/** Trust on first use; `untrusted` lets a test refuse a peer explicitly. */
export class InMemoryIdentityKeyStore implements IdentityKeyStore {
  readonly known = new Map<string, PublicKey>();
  readonly untrusted = new Set<string>();
  constructor(
    readonly identity: IdentityKeyPair,
    readonly registrationId: number,
  ) {}
  async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    return this.identity;
  }
  async getLocalRegistrationId(): Promise<number> {
    return this.registrationId;
  }
  async saveIdentity(address: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const old = this.known.get(address.toString());
    this.known.set(address.toString(), key);
    return old !== undefined && !old.equals(key)
      ? IdentityChange.ReplacedExisting
      : IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(address: ProtocolAddress, key: PublicKey, _direction: Direction): Promise<boolean> {
    if (this.untrusted.has(address.toString())) return false;
    const old = this.known.get(address.toString());
    return old === undefined || old.equals(key);
  }
  async getIdentity(address: ProtocolAddress): Promise<PublicKey | null> {
    return this.known.get(address.toString()) ?? null;
  }
}

export class InMemoryPreKeyStore implements PreKeyStore {
  readonly records = new Map<number, PreKeyRecord>();
  async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getPreKey(id: number): Promise<PreKeyRecord> {
    const record = this.records.get(id);
    if (record === undefined) throw new ProtocolError('InvalidPreKeyId', `no prekey ${id}`);
    return record;
  }
  async removePreKey(id: number): Promise<void> {
    this.records.delete(id);
  }
}

export class InMemorySignedPreKeyStore implements SignedPreKeyStore {
  readonly records = new Map<number, SignedPreKeyRecord>();
  async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    const record = this.records.get(id);
    if (record === undefined) throw new ProtocolError('InvalidSignedPreKeyId', `no signed prekey ${id}`);
    return record;
  }
}

/** Keeps used keys (last-resort behaviour) and remembers which were used. */
export class InMemoryKyberPreKeyStore implements KyberPreKeyStore {
  readonly records = new Map<number, KyberPreKeyRecord>();
  readonly used: number[] = [];
  async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    const record = this.records.get(id);
    if (record === undefined) throw new ProtocolError('InvalidKyberPreKeyId', `no Kyber prekey ${id}`);
    return record;
  }
  async markKyberPreKeyUsed(id: number): Promise<void> {
    this.used.push(id);
  }
}

/** The full set of in-memory stores for one local device. */
export interface InMemoryStores extends PreKeyStores {
  sessions: InMemorySessionStore;
  identities: InMemoryIdentityKeyStore;
  preKeys: InMemoryPreKeyStore;
  signedPreKeys: InMemorySignedPreKeyStore;
  kyberPreKeys: InMemoryKyberPreKeyStore;
}

export function createInMemoryStores(identity: IdentityKeyPair, registrationId: number): InMemoryStores {
  return {
    sessions: new InMemorySessionStore(),
    identities: new InMemoryIdentityKeyStore(identity, registrationId),
    preKeys: new InMemoryPreKeyStore(),
    signedPreKeys: new InMemorySignedPreKeyStore(),
    kyberPreKeys: new InMemoryKyberPreKeyStore(),
  };
}

export { Direction };
