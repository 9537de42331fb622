/**
 * A libsignal-client 0.103.0 device for interop tests and the benchmark (the
 * npm alias `libsignal-client-0103`): its in-memory stores and device
 * (libsignal-memory-stores.ts, shared with 0.72.1), a bundle in tacet's shape, and the Peer interface the conversation
 * scripts drive. 0.103 runs SPQR on every session and takes the local address
 * in every 1:1 call. Buffer-free: 0.103 accepts and returns Uint8Array.
 */
import * as L from 'libsignal-client-0103';
import * as SSMRMModule from 'libsignal-client-0103/dist/SealedSenderMultiRecipientMessage.js';
import { KEMPublicKey, type PreKeyBundle, ProtocolAddress, PublicKey } from '../../src/index.js';
import { defaultExport } from './libsignal-group-stores.js';
import { memoryStores } from './libsignal-memory-stores.js';
import { libsignalDeviceCertificate, type makeServer } from './sealed-sender-fixtures.js';
import type { Peer, Wire } from './session-peers.js';

/** An ArrayBuffer-backed copy, the only Uint8Array shape 0.103's typings take. */
export function ab(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

const stores = memoryStores(L);

export const SessionStore0103 = stores.SessionStore;
/** Trust on first use, like the 0.72.1 test store. */
export const IdentityStore0103 = stores.IdentityKeyStore;
export const PreKeyStore0103 = stores.PreKeyStore;
export const SignedPreKeyStore0103 = stores.SignedPreKeyStore;
export const KyberPreKeyStore0103 = stores.KyberPreKeyStore;
export const SenderKeyStore0103 = stores.SenderKeyStore;

export function address0103(a: { name: string; deviceId: number }): L.ProtocolAddress {
  return L.ProtocolAddress.new(a.name, a.deviceId);
}

/** A libsignal 0.103 device with its stores. */
export class Party0103 extends stores.Party {
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

/** 0.103's sealed sender v2 sent-message parser. */
export const MultiRecipientMessage0103: typeof SSMRMModule.default = defaultExport(SSMRMModule);

/** The certificate the test server `server` issues to 0.103 device `party` (no phone number). */
export function senderCertificate0103(
  server: ReturnType<typeof makeServer>,
  party: Party0103,
  expiration: number,
): L.SenderCertificate {
  const bytes = libsignalDeviceCertificate(server, party.identity.publicKey, party.name, expiration);
  return L.SenderCertificate.deserialize(ab(bytes));
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
