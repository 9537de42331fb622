/**
 * libsignal 0.72.1 stores for interop tests and the benchmark: subclasses of
 * its abstract stores (the native bridge requires them), holding record
 * objects in memory like libsignal's own TestStores, plus a libsignal device
 * that can publish a bundle in tacet's shape. Buffer stays in test code.
 */
import * as S from '@signalapp/libsignal-client';
import { KEMPublicKey, type PreKeyBundle, PublicKey } from '../../src/index.js';
import { buf } from './libsignal-group-stores.js';

export class LibsignalSessionStore extends S.SessionStore {
  readonly records = new Map<string, S.SessionRecord>();
  async saveSession(name: S.ProtocolAddress, record: S.SessionRecord): Promise<void> {
    this.records.set(name.toString(), record);
  }
  async getSession(name: S.ProtocolAddress): Promise<S.SessionRecord | null> {
    return this.records.get(name.toString()) ?? null;
  }
  async getExistingSessions(addresses: S.ProtocolAddress[]): Promise<S.SessionRecord[]> {
    return addresses.map((a) => {
      const r = this.records.get(a.toString());
      if (r === undefined) throw new Error(`no session for ${a.toString()}`);
      return r;
    });
  }
}

/** libsignal's IdentityKeyStore in memory: our identity plus the peers' keys, trusting on first use. */
export class LibsignalIdentityKeyStore extends S.IdentityKeyStore {
  readonly known = new Map<string, S.PublicKey>();
  constructor(
    readonly identity: S.IdentityKeyPair,
    readonly registrationId = 1,
  ) {
    super();
  }
  async getIdentityKey(): Promise<S.PrivateKey> {
    return this.identity.privateKey;
  }
  async getLocalRegistrationId(): Promise<number> {
    return this.registrationId;
  }
  async saveIdentity(name: S.ProtocolAddress, key: S.PublicKey): Promise<S.IdentityChange> {
    const old = this.known.get(name.toString());
    this.known.set(name.toString(), key);
    return old !== undefined && old.compare(key) !== 0
      ? S.IdentityChange.ReplacedExisting
      : S.IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(
    name: S.ProtocolAddress,
    key: S.PublicKey,
    _direction: S.Direction,
  ): Promise<boolean> {
    const old = this.known.get(name.toString());
    return old === undefined || old.compare(key) === 0;
  }
  async getIdentity(name: S.ProtocolAddress): Promise<S.PublicKey | null> {
    return this.known.get(name.toString()) ?? null;
  }
}

export class LibsignalPreKeyStore extends S.PreKeyStore {
  readonly records = new Map<number, S.PreKeyRecord>();
  async savePreKey(id: number, record: S.PreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getPreKey(id: number): Promise<S.PreKeyRecord> {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`no prekey ${id}`);
    return r;
  }
  async removePreKey(id: number): Promise<void> {
    this.records.delete(id);
  }
}

export class LibsignalSignedPreKeyStore extends S.SignedPreKeyStore {
  readonly records = new Map<number, S.SignedPreKeyRecord>();
  async saveSignedPreKey(id: number, record: S.SignedPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getSignedPreKey(id: number): Promise<S.SignedPreKeyRecord> {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`no signed prekey ${id}`);
    return r;
  }
}

export class LibsignalKyberPreKeyStore extends S.KyberPreKeyStore {
  readonly records = new Map<number, S.KyberPreKeyRecord>();
  readonly used: number[] = [];
  async saveKyberPreKey(id: number, record: S.KyberPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getKyberPreKey(id: number): Promise<S.KyberPreKeyRecord> {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`no Kyber prekey ${id}`);
    return r;
  }
  async markKyberPreKeyUsed(id: number): Promise<void> {
    this.used.push(id);
  }
}

/** A libsignal device with its stores. */
export class LibsignalParty {
  readonly identity = S.IdentityKeyPair.generate();
  readonly registrationId = 1 + Math.floor(Math.random() * 16380);
  readonly address: S.ProtocolAddress;
  readonly sessions = new LibsignalSessionStore();
  readonly identities: LibsignalIdentityKeyStore;
  readonly preKeys = new LibsignalPreKeyStore();
  readonly signedPreKeys = new LibsignalSignedPreKeyStore();
  readonly kyberPreKeys = new LibsignalKyberPreKeyStore();
  private nextId = 1;

  constructor(
    readonly name: string,
    readonly deviceId = 1,
  ) {
    this.address = S.ProtocolAddress.new(name, deviceId);
    this.identities = new LibsignalIdentityKeyStore(this.identity, this.registrationId);
  }

  /** Generates and stores prekeys; returns the libsignal bundle. */
  async bundle(options: { oneTime?: boolean } = {}): Promise<S.PreKeyBundle> {
    const id = this.nextId++;
    const now = Date.now();
    const spk = S.PrivateKey.generate();
    const spkSig = this.identity.privateKey.sign(spk.getPublicKey().serialize());
    await this.signedPreKeys.saveSignedPreKey(
      id,
      S.SignedPreKeyRecord.new(id, now, spk.getPublicKey(), spk, spkSig),
    );
    const kyber = S.KEMKeyPair.generate();
    const kyberSig = this.identity.privateKey.sign(kyber.getPublicKey().serialize());
    await this.kyberPreKeys.saveKyberPreKey(id, S.KyberPreKeyRecord.new(id, now, kyber, kyberSig));
    let opk: S.PrivateKey | null = null;
    if (options.oneTime !== false) {
      opk = S.PrivateKey.generate();
      await this.preKeys.savePreKey(id, S.PreKeyRecord.new(id, opk.getPublicKey(), opk));
    }
    return S.PreKeyBundle.new(
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

  async encrypt(plaintext: Uint8Array, to: S.ProtocolAddress): Promise<S.CiphertextMessage> {
    return S.signalEncrypt(buf(plaintext), to, this.sessions, this.identities);
  }

  /** Decrypts a type-2 or type-3 message. */
  async decrypt(type: number, bytes: Uint8Array, from: S.ProtocolAddress): Promise<Uint8Array> {
    if (type === S.CiphertextMessageType.PreKey) {
      const m = S.PreKeySignalMessage.deserialize(buf(bytes));
      return new Uint8Array(
        await S.signalDecryptPreKey(
          m,
          from,
          this.sessions,
          this.identities,
          this.preKeys,
          this.signedPreKeys,
          this.kyberPreKeys,
        ),
      );
    }
    const m = S.SignalMessage.deserialize(buf(bytes));
    return new Uint8Array(await S.signalDecrypt(m, from, this.sessions, this.identities));
  }
}

/** A libsignal bundle in tacet's shape (through the serialized keys). */
export function toTacetBundle(b: S.PreKeyBundle): PreKeyBundle {
  const kyberId = b.kyberPreKeyId();
  const kyberPub = b.kyberPreKeyPublic();
  const kyberSig = b.kyberPreKeySignature();
  if (kyberId === null || kyberPub === null || kyberSig === null)
    throw new Error('bundle without Kyber prekey');
  const preKeyId = b.preKeyId();
  const preKeyPub = b.preKeyPublic();
  return {
    registrationId: b.registrationId(),
    deviceId: b.deviceId(),
    preKey:
      preKeyId === null || preKeyPub === null
        ? undefined
        : { id: preKeyId, publicKey: PublicKey.deserialize(new Uint8Array(preKeyPub.serialize())) },
    signedPreKey: {
      id: b.signedPreKeyId(),
      publicKey: PublicKey.deserialize(new Uint8Array(b.signedPreKeyPublic().serialize())),
      signature: new Uint8Array(b.signedPreKeySignature()),
    },
    identityKey: PublicKey.deserialize(new Uint8Array(b.identityKey().serialize())),
    kyberPreKey: {
      id: kyberId,
      publicKey: KEMPublicKey.deserialize(new Uint8Array(kyberPub.serialize())),
      signature: new Uint8Array(kyberSig),
    },
  };
}

/** A tacet bundle in libsignal's shape. */
export function toLibsignalBundle(b: PreKeyBundle): S.PreKeyBundle {
  return S.PreKeyBundle.new(
    b.registrationId,
    b.deviceId,
    b.preKey?.id ?? null,
    b.preKey === undefined ? null : S.PublicKey.deserialize(buf(b.preKey.publicKey.serialize())),
    b.signedPreKey.id,
    S.PublicKey.deserialize(buf(b.signedPreKey.publicKey.serialize())),
    buf(b.signedPreKey.signature),
    S.PublicKey.deserialize(buf(b.identityKey.serialize())),
    b.kyberPreKey.id,
    S.KEMPublicKey.deserialize(buf(b.kyberPreKey.publicKey.serialize())),
    buf(b.kyberPreKey.signature),
  );
}

/** A tacet address as a libsignal one. */
export function libsignalAddress(a: { name: string; deviceId: number }): S.ProtocolAddress {
  return S.ProtocolAddress.new(a.name, a.deviceId);
}
