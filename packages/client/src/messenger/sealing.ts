/**
 * Sealed sender (docs/protocol.md §8) for every 1:1 message: the
 * server sees only the recipient, never who sent it. tacet's server issues
 * no sender certificates, so each client issues its own: its identity key
 * signs a server certificate for itself, which signs the sender certificate.
 * That proves nothing a server would vouch for, and needs not: the sealed
 * envelope binds the certificate to the sender's identity key (checked when
 * opening), and the inner Signal message must then decrypt in the session
 * with that very identity, which is what authenticates the sender.
 */
import {
  ContentHint,
  type IdentityKeyPair,
  type ProtocolAddress,
  ProtocolError,
  type SealedSenderIdentityStore,
  SenderCertificate,
  ServerCertificate,
  sealedSenderDecryptToUsmc,
  sealedSenderEncrypt,
  type TypedCiphertext,
  UnidentifiedSenderMessageContent,
} from '@tacet/protocol';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import { toHex } from '../util.js';

/** Self-issued certificates live a day; a fresh one is made when half of that is gone. */
const CERT_LIFETIME_MS = 24 * 3600 * 1000;

let cached: { cert: SenderCertificate; key: string; until: number } | undefined;

function certificate(
  identity: IdentityKeyPair,
  accountId: string,
  deviceId: number,
  now: number,
): SenderCertificate {
  const key = `${accountId}.${deviceId}`;
  if (
    cached &&
    cached.key === key &&
    cached.until > now &&
    cached.cert.identityKey.equals(identity.publicKey)
  ) {
    return cached.cert;
  }
  const signer = ServerCertificate.create(1, identity.publicKey, identity.privateKey);
  const cert = SenderCertificate.create(
    {
      senderUuid: accountId,
      senderE164: null,
      senderDeviceId: deviceId,
      identityKey: identity.publicKey,
      expiration: now + CERT_LIFETIME_MS,
      signer,
    },
    identity.privateKey,
  );
  cached = { cert, key, until: now + CERT_LIFETIME_MS / 2 };
  return cert;
}

/**
 * Seals a session ciphertext (or a retry receipt's plaintext content) for
 * `address`, whose identity key `identities` holds (by default the store).
 */
export async function seal(
  stores: ProtocolStores,
  self: { accountId: string; deviceId: number },
  address: ProtocolAddress,
  ct: TypedCiphertext,
  now: number,
  identities: SealedSenderIdentityStore = stores.identities,
): Promise<Uint8Array> {
  const identity = await stores.identities.getIdentityKeyPair();
  const cert = certificate(identity, self.accountId, self.deviceId, now);
  const usmc = UnidentifiedSenderMessageContent.create(ct, cert, ContentHint.Default, null);
  return sealedSenderEncrypt(usmc, address, identities, stores.staticSecrets);
}

/** Certificates already checked (a peer reuses one for a day): two signature checks saved per message. */
const validated = new Map<string, number>();
const MAX_VALIDATED = 1024;

function validCertificate(cert: SenderCertificate, now: number): boolean {
  const key = toHex(cert.serialize());
  const until = validated.get(key);
  if (until !== undefined) return now <= until;
  if (!cert.validate(cert.identityKey, now)) return false;
  if (validated.size >= MAX_VALIDATED) validated.clear();
  validated.set(key, cert.expiration);
  return true;
}

/** Opens a sealed envelope: the claimed sender, and the inner message with its type. */
export async function unseal(stores: ProtocolStores, bytes: Uint8Array, now: number) {
  const usmc = await sealedSenderDecryptToUsmc(bytes, stores.identities, stores.staticSecrets);
  const cert = usmc.senderCertificate;
  if (!validCertificate(cert, now)) {
    throw new ProtocolError(
      'InvalidCertificate',
      'sender certificate is expired or not signed by its sender',
    );
  }
  // 8: a retry receipt's plaintext content (retry.ts).
  if (usmc.msgType !== 2 && usmc.msgType !== 3 && usmc.msgType !== 8) {
    throw new ProtocolError('InvalidMessage', `unexpected sealed message type ${usmc.msgType}`);
  }
  return {
    sender: cert.senderUuid,
    deviceId: cert.senderDeviceId,
    identityKey: cert.identityKey,
    type: usmc.msgType,
    body: usmc.contents,
  };
}
