/**
 * libsignal 0.72.1 for interop tests and the benchmark: its in-memory stores
 * and a device (libsignal-memory-stores.ts, shared with 0.103) that encrypts
 * and decrypts with 0.72.1's calls, plus bundle conversion to and from
 * tacet's shape. Buffer stays in test code.
 */
import * as S from '@signalapp/libsignal-client';
import { KEMPublicKey, type PreKeyBundle, PublicKey } from '../../src/index.js';
import { buf } from './libsignal-group-stores.js';
import { memoryStores } from './libsignal-memory-stores.js';

const stores = memoryStores(S);

export const LibsignalSessionStore = stores.SessionStore;
/** libsignal's IdentityKeyStore in memory: our identity plus the peers' keys, trusting on first use. */
export const LibsignalIdentityKeyStore = stores.IdentityKeyStore;
export const LibsignalPreKeyStore = stores.PreKeyStore;
export const LibsignalSignedPreKeyStore = stores.SignedPreKeyStore;
export const LibsignalKyberPreKeyStore = stores.KyberPreKeyStore;

/** A libsignal device with its stores. */
export class LibsignalParty extends stores.Party {
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
