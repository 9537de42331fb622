/**
 * In-memory libsignal stores and a prekey-publishing device, written once for
 * every libsignal version the interop tests load (0.72.1 and 0.103.0). The
 * native bridge only accepts subclasses of a version's own abstract stores, so
 * `memoryStores(lib)` builds the subclasses from the module it is given; the
 * version files (libsignal-stores.ts, libsignal-0103.ts) add what differs, the
 * calls that encrypt and decrypt. The records are kept as objects, like
 * libsignal's own TestStores; identities are trusted on first use.
 */
import type * as S from '@signalapp/libsignal-client';
import type * as L from 'libsignal-client-0103';

/** The libsignal modules the tests load. */
export type Libsignal = typeof S | typeof L;

type Instance<C> = C extends abstract new (...args: never[]) => infer T ? T : never;
type Of<M extends Libsignal, K extends keyof M> = Instance<M[K]>;

/** One version's stores, typed as that version's own classes. */
export interface MemoryStores<M extends Libsignal> {
  SessionStore: new () => Of<M, 'SessionStore'> & {
    readonly records: Map<string, Of<M, 'SessionRecord'>>;
  };
  IdentityKeyStore: new (
    identity: Of<M, 'IdentityKeyPair'>,
    registrationId?: number,
  ) => Of<M, 'IdentityKeyStore'> & {
    readonly known: Map<string, Of<M, 'PublicKey'>>;
    readonly identity: Of<M, 'IdentityKeyPair'>;
    readonly registrationId: number;
  };
  PreKeyStore: new () => Of<M, 'PreKeyStore'> & { readonly records: Map<number, Of<M, 'PreKeyRecord'>> };
  SignedPreKeyStore: new () => Of<M, 'SignedPreKeyStore'> & {
    readonly records: Map<number, Of<M, 'SignedPreKeyRecord'>>;
  };
  KyberPreKeyStore: new () => Of<M, 'KyberPreKeyStore'> & {
    readonly records: Map<number, Of<M, 'KyberPreKeyRecord'>>;
    readonly used: number[];
  };
  SenderKeyStore: new () => Of<M, 'SenderKeyStore'> & {
    readonly records: Map<string, Of<M, 'SenderKeyRecord'>>;
  };
  /**
   * A device with its stores that publishes bundles; a version's Party subclasses it.
   * Devices of one account share `identity`; each gets its own when it is left out.
   */
  Party: new (
    name: string,
    deviceId?: number,
    identity?: Of<M, 'IdentityKeyPair'>,
  ) => MemoryParty<M>;
}

/** The device part shared by every version. */
export interface MemoryParty<M extends Libsignal> {
  readonly name: string;
  readonly deviceId: number;
  readonly identity: Of<M, 'IdentityKeyPair'>;
  readonly registrationId: number;
  readonly address: Of<M, 'ProtocolAddress'>;
  readonly sessions: InstanceType<MemoryStores<M>['SessionStore']>;
  readonly identities: InstanceType<MemoryStores<M>['IdentityKeyStore']>;
  readonly preKeys: InstanceType<MemoryStores<M>['PreKeyStore']>;
  readonly signedPreKeys: InstanceType<MemoryStores<M>['SignedPreKeyStore']>;
  readonly kyberPreKeys: InstanceType<MemoryStores<M>['KyberPreKeyStore']>;
  readonly senderKeys: InstanceType<MemoryStores<M>['SenderKeyStore']>;
  /** Generates and stores a signed prekey, a Kyber prekey and (unless `oneTime: false`) a one-time prekey. */
  bundle(options?: { oneTime?: boolean }): Promise<Of<M, 'PreKeyBundle'>>;
}

// What the code below calls, typed loosely (each version's own types differ:
// Buffer or Uint8Array, native handles); `MemoryStores<M>` gives the caller
// back the version's exact types.
type Base = abstract new () => object;
interface Key {
  serialize(): Uint8Array;
}
interface PrivateKey {
  getPublicKey(): Key;
  sign(message: Uint8Array): Uint8Array;
}
type Factory = (...args: unknown[]) => unknown;
interface LooseLibsignal {
  SessionStore: Base;
  IdentityKeyStore: Base;
  PreKeyStore: Base;
  SignedPreKeyStore: Base;
  KyberPreKeyStore: Base;
  SenderKeyStore: Base;
  IdentityChange: { NewOrUnchanged: number; ReplacedExisting: number };
  ProtocolAddress: { new: (name: string, deviceId: number) => object };
  IdentityKeyPair: { generate: () => { publicKey: Key; privateKey: PrivateKey } };
  PrivateKey: { generate: () => PrivateKey };
  KEMKeyPair: { generate: () => { getPublicKey(): Key } };
  SignedPreKeyRecord: { new: Factory };
  KyberPreKeyRecord: { new: Factory };
  PreKeyRecord: { new: Factory };
  PreKeyBundle: { new: Factory };
}

function bytesEqual(a: Key, b: Key): boolean {
  const x = a.serialize();
  const y = b.serialize();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what}`);
  return value;
}

/** The in-memory stores and Party of libsignal module `lib`. */
export function memoryStores<M extends Libsignal>(lib: M): MemoryStores<M> {
  const l: LooseLibsignal = lib as unknown as LooseLibsignal;

  class SessionStore extends l.SessionStore {
    readonly records = new Map<string, unknown>();
    async saveSession(name: object, record: unknown): Promise<void> {
      this.records.set(name.toString(), record);
    }
    async getSession(name: object): Promise<unknown> {
      return this.records.get(name.toString()) ?? null;
    }
    async getExistingSessions(addresses: object[]): Promise<unknown[]> {
      return addresses.map((a) => found(this.records.get(a.toString()), `session for ${a.toString()}`));
    }
  }

  class IdentityKeyStore extends l.IdentityKeyStore {
    readonly known = new Map<string, Key>();
    constructor(
      readonly identity: { privateKey: PrivateKey },
      readonly registrationId = 1,
    ) {
      super();
    }
    async getIdentityKey(): Promise<PrivateKey> {
      return this.identity.privateKey;
    }
    async getLocalRegistrationId(): Promise<number> {
      return this.registrationId;
    }
    async saveIdentity(name: object, key: Key): Promise<number> {
      const old = this.known.get(name.toString());
      this.known.set(name.toString(), key);
      return old !== undefined && !bytesEqual(old, key)
        ? l.IdentityChange.ReplacedExisting
        : l.IdentityChange.NewOrUnchanged;
    }
    async isTrustedIdentity(name: object, key: Key): Promise<boolean> {
      const old = this.known.get(name.toString());
      return old === undefined || bytesEqual(old, key);
    }
    async getIdentity(name: object): Promise<Key | null> {
      return this.known.get(name.toString()) ?? null;
    }
  }

  class PreKeyStore extends l.PreKeyStore {
    readonly records = new Map<number, unknown>();
    async savePreKey(id: number, record: unknown): Promise<void> {
      this.records.set(id, record);
    }
    async getPreKey(id: number): Promise<unknown> {
      return found(this.records.get(id), `prekey ${id}`);
    }
    async removePreKey(id: number): Promise<void> {
      this.records.delete(id);
    }
  }

  class SignedPreKeyStore extends l.SignedPreKeyStore {
    readonly records = new Map<number, unknown>();
    async saveSignedPreKey(id: number, record: unknown): Promise<void> {
      this.records.set(id, record);
    }
    async getSignedPreKey(id: number): Promise<unknown> {
      return found(this.records.get(id), `signed prekey ${id}`);
    }
  }

  class KyberPreKeyStore extends l.KyberPreKeyStore {
    readonly records = new Map<number, unknown>();
    readonly used: number[] = [];
    async saveKyberPreKey(id: number, record: unknown): Promise<void> {
      this.records.set(id, record);
    }
    async getKyberPreKey(id: number): Promise<unknown> {
      return found(this.records.get(id), `Kyber prekey ${id}`);
    }
    async markKyberPreKeyUsed(id: number): Promise<void> {
      this.used.push(id);
    }
  }

  class SenderKeyStore extends l.SenderKeyStore {
    readonly records = new Map<string, unknown>();
    async saveSenderKey(sender: object, distributionId: string, record: unknown): Promise<void> {
      this.records.set(`${sender.toString()}::${distributionId}`, record);
    }
    async getSenderKey(sender: object, distributionId: string): Promise<unknown> {
      return this.records.get(`${sender.toString()}::${distributionId}`) ?? null;
    }
  }

  class Party {
    readonly identity: { privateKey: PrivateKey; publicKey: Key };
    readonly registrationId = 1 + Math.floor(Math.random() * 16380);
    readonly address: object;
    readonly sessions = new SessionStore();
    readonly identities: IdentityKeyStore;
    readonly preKeys = new PreKeyStore();
    readonly signedPreKeys = new SignedPreKeyStore();
    readonly kyberPreKeys = new KyberPreKeyStore();
    readonly senderKeys = new SenderKeyStore();
    private nextId = 1;

    constructor(
      readonly name: string,
      readonly deviceId = 1,
      identity?: { privateKey: PrivateKey; publicKey: Key },
    ) {
      this.identity = identity ?? l.IdentityKeyPair.generate();
      this.address = l.ProtocolAddress.new(name, deviceId);
      this.identities = new IdentityKeyStore(this.identity, this.registrationId);
    }

    async bundle(options: { oneTime?: boolean } = {}): Promise<unknown> {
      const id = this.nextId++;
      const now = Date.now();
      const spk = l.PrivateKey.generate();
      const spkSig = this.identity.privateKey.sign(spk.getPublicKey().serialize());
      await this.signedPreKeys.saveSignedPreKey(
        id,
        l.SignedPreKeyRecord.new(id, now, spk.getPublicKey(), spk, spkSig),
      );
      const kyber = l.KEMKeyPair.generate();
      const kyberSig = this.identity.privateKey.sign(kyber.getPublicKey().serialize());
      await this.kyberPreKeys.saveKyberPreKey(id, l.KyberPreKeyRecord.new(id, now, kyber, kyberSig));
      let opk: PrivateKey | null = null;
      if (options.oneTime !== false) {
        opk = l.PrivateKey.generate();
        await this.preKeys.savePreKey(id, l.PreKeyRecord.new(id, opk.getPublicKey(), opk));
      }
      return l.PreKeyBundle.new(
        this.registrationId,
        this.deviceId,
        opk === null ? null : id,
        opk === null ? null : opk.getPublicKey(),
        id,
        spk.getPublicKey(),
        spkSig,
        this.identity.publicKey,
        id,
        kyber.getPublicKey(),
        kyberSig,
      );
    }
  }

  const stores = { SessionStore, IdentityKeyStore, PreKeyStore, SignedPreKeyStore, KyberPreKeyStore };
  return { ...stores, SenderKeyStore, Party } as unknown as MemoryStores<M>;
}
