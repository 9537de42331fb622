/**
 * Fixtures for sealed-sender tests: a trust root, a server certificate and
 * sender certificates issued by tacet, plus a minimal tacet identity store.
 */
import { IdentityKeyPair, KeyPair, PublicKey } from '../../src/keys/index.js';
import {
  type SealedSenderIdentityStore,
  SenderCertificate,
  ServerCertificate,
} from '../../src/sealed-sender/index.js';
import type { ProtocolAddress } from '../../src/session/index.js';

export const ALICE_UUID = '9d0652a3-dcc3-4d11-975f-74d61598733f';
export const BOB_UUID = '0b6e1b0e-3c4f-4b5a-9a6d-2f1e8c7d6b5a';
export const DAY = 86_400_000;
export const NOW = 1_760_000_000_000;

/** A trust root and a server certificate it signed. */
export function makeServer(keyId = 7): { trustRoot: KeyPair; serverKey: KeyPair; server: ServerCertificate } {
  const trustRoot = KeyPair.generate();
  const serverKey = KeyPair.generate();
  return {
    trustRoot,
    serverKey,
    server: ServerCertificate.create(keyId, serverKey.publicKey, trustRoot.privateKey),
  };
}

/** A sender certificate for `identityKey`, valid until NOW + 1 day. */
export function makeSenderCertificate(
  s: ReturnType<typeof makeServer>,
  identityKey: PublicKey,
  overrides: Partial<{ uuid: string; e164: string | null; deviceId: number; expiration: number }> = {},
): SenderCertificate {
  return SenderCertificate.create(
    {
      senderUuid: overrides.uuid ?? ALICE_UUID,
      senderE164: overrides.e164 === undefined ? '+14152222222' : overrides.e164,
      senderDeviceId: overrides.deviceId ?? 1,
      identityKey,
      expiration: overrides.expiration ?? NOW + DAY,
      signer: s.server,
    },
    s.serverKey.privateKey,
  );
}

/**
 * The bytes of a certificate the test server issues to a libsignal device of
 * `uuid` (no phone number), for that libsignal version's
 * SenderCertificate.deserialize: any version's identity key fits, only its
 * serialized form is read.
 */
export function libsignalDeviceCertificate(
  s: ReturnType<typeof makeServer>,
  identityKey: { serialize(): Uint8Array },
  uuid: string,
  expiration: number,
): Uint8Array {
  const key = PublicKey.deserialize(new Uint8Array(identityKey.serialize()));
  return makeSenderCertificate(s, key, { uuid, e164: null, expiration }).serialize();
}

/** The identity part of a store: our key pair and the peers' identity keys. */
export class TestIdentityStore implements SealedSenderIdentityStore {
  readonly peers = new Map<string, PublicKey>();
  constructor(readonly identity: IdentityKeyPair = IdentityKeyPair.generate()) {}
  async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    return this.identity;
  }
  async getIdentity(address: ProtocolAddress): Promise<PublicKey | null> {
    return this.peers.get(`${address.name}.${address.deviceId}`) ?? null;
  }
}
