/**
 * A libsignal-client 0.103.0 device for interop tests and the benchmark (the
 * npm alias `libsignal-client-0103`): in-memory subclasses of its abstract
 * stores, a bundle in tacet's shape, and the Peer interface the conversation
 * scripts drive. 0.103 runs SPQR on every session and takes the local address
 * in every 1:1 call. Buffer-free: 0.103 accepts and returns Uint8Array.
 */
import * as L from 'libsignal-client-0103';
import { KEMPublicKey, type PreKeyBundle, ProtocolAddress, PublicKey } from '../../src/index.js';
import type { Peer, Wire } from './session-peers.js';

/** An ArrayBuffer-backed copy, the only Uint8Array shape 0.103's typings take. */
export function ab(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

export class SessionStore0103 extends L.SessionStore {
  readonly records = new Map<string, L.SessionRecord>();
  async saveSession(name: L.ProtocolAddress, record: L.SessionRecord): Promise<void> {
    this.records.set(name.toString(), record);
  }
  async getSession(name: L.ProtocolAddress): Promise<L.SessionRecord | null> {
    return this.records.get(name.toString()) ?? null;
  }
  async getExistingSessions(addresses: L.ProtocolAddress[]): Promise<L.SessionRecord[]> {
    return addresses.map((a) => {
      const r = this.records.get(a.toString());
      if (r === undefined) throw new Error(`no session for ${a.toString()}`);
      return r;
    });
  }
}

/** Trust on first use, like the 0.72.1 test store. */
export class IdentityStore0103 extends L.IdentityKeyStore {
  readonly known = new Map<string, L.PublicKey>();
  constructor(
    readonly identity: L.IdentityKeyPair,
    readonly registrationId: number,
  ) {
    super();
  }
  async getIdentityKey(): Promise<L.PrivateKey> {
    return this.identity.privateKey;
  }
  async getLocalRegistrationId(): Promise<number> {
    return this.registrationId;
  }
  async saveIdentity(name: L.ProtocolAddress, key: L.PublicKey): Promise<L.IdentityChange> {
    const old = this.known.get(name.toString());
    this.known.set(name.toString(), key);
    return old !== undefined && !old.equals(key)
      ? L.IdentityChange.ReplacedExisting
      : L.IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(
    name: L.ProtocolAddress,
    key: L.PublicKey,
    _direction: L.Direction,
  ): Promise<boolean> {
    const old = this.known.get(name.toString());
    return old === undefined || old.equals(key);
  }
  async getIdentity(name: L.ProtocolAddress): Promise<L.PublicKey | null> {
    return this.known.get(name.toString()) ?? null;
  }
}

export class PreKeyStore0103 extends L.PreKeyStore {
  readonly records = new Map<number, L.PreKeyRecord>();
  async savePreKey(id: number, record: L.PreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getPreKey(id: number): Promise<L.PreKeyRecord> {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`no prekey ${id}`);
    return r;
  }
  async removePreKey(id: number): Promise<void> {
    this.records.delete(id);
  }
}

export class SignedPreKeyStore0103 extends L.SignedPreKeyStore {
  readonly records = new Map<number, L.SignedPreKeyRecord>();
  async saveSignedPreKey(id: number, record: L.SignedPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getSignedPreKey(id: number): Promise<L.SignedPreKeyRecord> {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`no signed prekey ${id}`);
    return r;
  }
}

export class KyberPreKeyStore0103 extends L.KyberPreKeyStore {
  readonly records = new Map<number, L.KyberPreKeyRecord>();
  readonly used: number[] = [];
  async saveKyberPreKey(id: number, record: L.KyberPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getKyberPreKey(id: number): Promise<L.KyberPreKeyRecord> {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`no Kyber prekey ${id}`);
    return r;
  }
  async markKyberPreKeyUsed(id: number): Promise<void> {
    this.used.push(id);
  }
}

export class SenderKeyStore0103 extends L.SenderKeyStore {
  readonly records = new Map<string, L.SenderKeyRecord>();
  async saveSenderKey(
    sender: L.ProtocolAddress,
    distributionId: L.Uuid,
    record: L.SenderKeyRecord,
  ): Promise<void> {
    this.records.set(`${sender.toString()}::${distributionId}`, record);
  }
  async getSenderKey(sender: L.ProtocolAddress, distributionId: L.Uuid): Promise<L.SenderKeyRecord | null> {
    return this.records.get(`${sender.toString()}::${distributionId}`) ?? null;
  }
}

export function address0103(a: { name: string; deviceId: number }): L.ProtocolAddress {
  return L.ProtocolAddress.new(a.name, a.deviceId);
}

/** A libsignal 0.103 device with its stores. */
export class Party0103 {
  readonly identity = L.IdentityKeyPair.generate();
  readonly registrationId = 1 + Math.floor(Math.random() * 16380);
  readonly address: L.ProtocolAddress;
  readonly sessions = new SessionStore0103();
  readonly identities: IdentityStore0103;
  readonly preKeys = new PreKeyStore0103();
  readonly signedPreKeys = new SignedPreKeyStore0103();
  readonly kyberPreKeys = new KyberPreKeyStore0103();
  readonly senderKeys = new SenderKeyStore0103();
  private nextId = 1;

  constructor(
    readonly name: string,
    readonly deviceId = 1,
  ) {
    this.address = L.ProtocolAddress.new(name, deviceId);
    this.identities = new IdentityStore0103(this.identity, this.registrationId);
  }

  async bundle(options: { oneTime?: boolean } = {}): Promise<L.PreKeyBundle> {
    const id = this.nextId++;
    const now = Date.now();
    const spk = L.PrivateKey.generate();
    const spkSig = this.identity.privateKey.sign(spk.getPublicKey().serialize());
    await this.signedPreKeys.saveSignedPreKey(
      id,
      L.SignedPreKeyRecord.new(id, now, spk.getPublicKey(), spk, spkSig),
    );
    const kyber = L.KEMKeyPair.generate();
    const kyberSig = this.identity.privateKey.sign(kyber.getPublicKey().serialize());
    await this.kyberPreKeys.saveKyberPreKey(id, L.KyberPreKeyRecord.new(id, now, kyber, kyberSig));
    let opk: L.PrivateKey | null = null;
    if (options.oneTime !== false) {
      opk = L.PrivateKey.generate();
      await this.preKeys.savePreKey(id, L.PreKeyRecord.new(id, opk.getPublicKey(), opk));
    }
    return L.PreKeyBundle.new(
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

  startSession(bundle: L.PreKeyBundle, to: L.ProtocolAddress): Promise<void> {
    return L.processPreKeyBundle(bundle, to, this.address, this.sessions, this.identities);
  }

  encrypt(plaintext: Uint8Array, to: L.ProtocolAddress): Promise<L.CiphertextMessage> {
    return L.signalEncrypt(ab(plaintext), to, this.address, this.sessions, this.identities);
  }

  async decrypt(type: number, bytes: Uint8Array, from: L.ProtocolAddress): Promise<Uint8Array> {
    if (type === L.CiphertextMessageType.PreKey) {
      const m = L.PreKeySignalMessage.deserialize(ab(bytes));
      return L.signalDecryptPreKey(
        m,
        from,
        this.address,
        this.sessions,
        this.identities,
        this.preKeys,
        this.signedPreKeys,
        this.kyberPreKeys,
      );
    }
    const m = L.SignalMessage.deserialize(ab(bytes));
    return L.signalDecrypt(m, from, this.address, this.sessions, this.identities);
  }
}

/** A 0.103 bundle in tacet's shape. */
export function tacetBundleOf0103(b: L.PreKeyBundle): PreKeyBundle {
  const preKeyId = b.preKeyId();
  const preKeyPub = b.preKeyPublic();
  return {
    registrationId: b.registrationId(),
    deviceId: b.deviceId(),
    preKey:
      preKeyId === null || preKeyPub === null
        ? undefined
        : { id: preKeyId, publicKey: PublicKey.deserialize(preKeyPub.serialize()) },
    signedPreKey: {
      id: b.signedPreKeyId(),
      publicKey: PublicKey.deserialize(b.signedPreKeyPublic().serialize()),
      signature: new Uint8Array(b.signedPreKeySignature()),
    },
    identityKey: PublicKey.deserialize(b.identityKey().serialize()),
    kyberPreKey: {
      id: b.kyberPreKeyId(),
      publicKey: KEMPublicKey.deserialize(b.kyberPreKeyPublic().serialize()),
      signature: new Uint8Array(b.kyberPreKeySignature()),
    },
  };
}

/** A tacet bundle in 0.103's shape. */
export function bundle0103Of(b: PreKeyBundle): L.PreKeyBundle {
  return L.PreKeyBundle.new(
    b.registrationId,
    b.deviceId,
    b.preKey?.id ?? null,
    b.preKey === undefined ? null : L.PublicKey.deserialize(ab(b.preKey.publicKey.serialize())),
    b.signedPreKey.id,
    L.PublicKey.deserialize(ab(b.signedPreKey.publicKey.serialize())),
    ab(b.signedPreKey.signature),
    L.PublicKey.deserialize(ab(b.identityKey.serialize())),
    b.kyberPreKey.id,
    L.KEMPublicKey.deserialize(ab(b.kyberPreKey.publicKey.serialize())),
    ab(b.kyberPreKey.signature),
  );
}

/** The Peer the conversation scripts drive, backed by libsignal 0.103. */
export class Libsignal0103Peer implements Peer {
  readonly impl = 'libsignal';
  readonly party: Party0103;
  readonly address: ProtocolAddress;
  constructor(readonly name: string) {
    this.party = new Party0103(name);
    this.address = ProtocolAddress.new(name, 1);
  }
  async bundle(oneTime: boolean): Promise<PreKeyBundle> {
    return tacetBundleOf0103(await this.party.bundle({ oneTime }));
  }
  startSession(other: Peer, bundle: PreKeyBundle): Promise<void> {
    return this.party.startSession(bundle0103Of(bundle), address0103(other.address));
  }
  async encrypt(plaintext: Uint8Array, to: Peer): Promise<Wire> {
    const m = await this.party.encrypt(plaintext, address0103(to.address));
    return { type: m.type(), bytes: new Uint8Array(m.serialize()) };
  }
  decrypt(message: Wire, from: Peer): Promise<Uint8Array> {
    return this.party.decrypt(message.type, message.bytes, address0103(from.address));
  }
}
