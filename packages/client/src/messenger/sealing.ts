/**
 * Sealed sender (libsignal's v1 envelope) for every 1:1 message: the server
 * sees only the recipient, never who sent it. The sender certificate inside
 * is issued by the server (sender-certificates.ts) and must chain to the
 * trust root this profile pinned at registration, be unexpired, and carry
 * the key the envelope was sealed with (checked when opening). A peer's
 * self-made certificate, naming whoever it likes, is refused here.
 */
import {
  ContentHint,
  type ProtocolAddress,
  ProtocolError,
  type PublicKey,
  type SealedSenderIdentityStore,
  type SenderCertificate,
  sealedSenderDecryptToUsmc,
  sealedSenderEncrypt,
  type TypedCiphertext,
  UnidentifiedSenderMessageContent,
} from '@tacet/protocol';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import { toHex } from '../util.js';

/**
 * Seals a session ciphertext (or a retry receipt's plaintext content) for
 * `address`, whose identity key `identities` holds (by default the store), under `cert`.
 */
export async function seal(
  stores: ProtocolStores,
  cert: SenderCertificate,
  address: ProtocolAddress,
  ct: TypedCiphertext,
  identities: SealedSenderIdentityStore = stores.identities,
): Promise<Uint8Array> {
  const usmc = UnidentifiedSenderMessageContent.create(ct, cert, ContentHint.Default, null);
  return sealedSenderEncrypt(usmc, address, identities, stores.staticSecrets);
}

/** Certificates already checked (a peer reuses one for about a day): two signature checks saved per message. */
const validated = new Map<string, number>();
const MAX_VALIDATED = 1024;

function validCertificate(cert: SenderCertificate, trustRoot: PublicKey, now: number): boolean {
  // The root is part of the key: a certificate checked under one root proves nothing under another.
  const key = `${toHex(trustRoot.serialize())}:${toHex(cert.serialize())}`;
  const until = validated.get(key);
  if (until !== undefined) return now <= until;
  if (!cert.validate(trustRoot, now)) return false;
  if (validated.size >= MAX_VALIDATED) validated.clear();
  validated.set(key, cert.expiration);
  return true;
}

/**
 * Opens a sealed envelope: the claimed sender, and the inner message with
 * its type. Throws ProtocolError('InvalidCertificate') unless the sender
 * certificate chains to `trustRoot` and is unexpired at `now`.
 */
export async function unseal(stores: ProtocolStores, trustRoot: PublicKey, bytes: Uint8Array, now: number) {
  const usmc = await sealedSenderDecryptToUsmc(bytes, stores.identities, stores.staticSecrets);
  const cert = usmc.senderCertificate;
  if (!validCertificate(cert, trustRoot, now)) {
    throw new ProtocolError(
      'InvalidCertificate',
      "sender certificate is expired or not issued under this server's trust root",
    );
  }
  // 7: a sender-key group message (groups/group-send.ts); 8: a retry receipt's plaintext content (retry.ts).
  if (usmc.msgType !== 2 && usmc.msgType !== 3 && usmc.msgType !== 7 && usmc.msgType !== 8) {
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
