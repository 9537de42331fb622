/**
 * Sealed sender around 1:1 messages (docs/protocol.md §8.3), libsignal's
 * `sealedSenderEncryptMessage` / `sealedSenderDecryptMessage`: the 1:1
 * ciphertext travels inside a USMC inside a v1 envelope. Decryption checks,
 * in order, the sealed key against the certificate (sealed-sender-usmc.ts),
 * the certificate against the trust root and time, a self-send, and only
 * then hands the content to the session layer.
 */
import { ProtocolError } from '../errors.js';
import type { PublicKey } from '../keys/index.js';
import { ProtocolAddress } from '../session/address.js';
import { signalDecryptPreKey } from '../session/prekey-decrypt.js';
import { signalDecrypt, signalEncrypt } from '../session/session-cipher.js';
import type { PreKeyStores, SessionStores } from '../session/stores.js';
import { openToUsmc, sealedSenderEncrypt } from './sealed-sender-usmc.js';
import type { SenderCertificate } from './sender-certificate.js';
import { ContentHint, UnidentifiedSenderMessageContent } from './unidentified-sender-message-content.js';

/** A decrypted sealed-sender message and who sent it (from the validated certificate). */
export interface SealedSenderDecryptionResult {
  readonly message: Uint8Array;
  readonly senderUuid: string;
  readonly senderE164: string | null;
  readonly deviceId: number;
}

/** Who we are, to refuse our own messages reflected back (docs/protocol.md §8.3 step 3). */
export interface SealedSenderLocalAddress {
  readonly uuid: string;
  readonly e164: string | null;
  readonly deviceId: number;
}

/**
 * Encrypts `plaintext` over the 1:1 session with `address` and seals it with
 * our sender certificate.
 *
 * @example
 * const envelope = await sealedSenderEncryptMessage(plaintext, bob, myCertificate, stores);
 */
export async function sealedSenderEncryptMessage(
  plaintext: Uint8Array,
  address: ProtocolAddress,
  senderCertificate: SenderCertificate,
  stores: SessionStores,
  now: number = Date.now(),
): Promise<Uint8Array> {
  const message = await signalEncrypt(plaintext, address, stores, now);
  const usmc = UnidentifiedSenderMessageContent.create(message, senderCertificate, ContentHint.Default, null);
  return sealedSenderEncrypt(usmc, address, stores.identities);
}

/**
 * Opens and decrypts a sealed 1:1 message. Throws ProtocolError:
 * InvalidMessage (malformed envelope, MAC, key mismatch, a non-1:1 content
 * type: use sealedSenderDecryptToUsmc + groupDecrypt for sender keys),
 * InvalidCertificate (trust root, signature or expiry), SealedSenderSelfSend,
 * and whatever the session layer throws for the inner message.
 *
 * @example
 * const { message, senderUuid, deviceId } = await sealedSenderDecryptMessage(
 *   envelope, trustRoot, Date.now(), { uuid: myAci, e164: null, deviceId: 1 }, stores);
 */
export async function sealedSenderDecryptMessage(
  bytes: Uint8Array,
  trustRoot: PublicKey,
  timestamp: number,
  local: SealedSenderLocalAddress,
  stores: PreKeyStores,
): Promise<SealedSenderDecryptionResult> {
  const usmc = openToUsmc(bytes, await stores.identities.getIdentityKeyPair());
  const cert = usmc.senderCertificate;
  if (!cert.validate(trustRoot, timestamp)) {
    throw new ProtocolError('InvalidCertificate', 'sender certificate failed trust root validation');
  }
  if (isSelf(cert, local)) {
    throw new ProtocolError('SealedSenderSelfSend', 'sealed sender message from our own device');
  }
  const sender = new ProtocolAddress(cert.senderUuid, cert.senderDeviceId);
  let message: Uint8Array;
  if (usmc.msgType === 2) message = await signalDecrypt(usmc.contents, sender, stores);
  else if (usmc.msgType === 3) message = await signalDecryptPreKey(usmc.contents, sender, stores);
  else {
    throw new ProtocolError('InvalidMessage', `sealed content type ${usmc.msgType} is not a 1:1 message`, {
      type: usmc.msgType,
    });
  }
  return { message, senderUuid: cert.senderUuid, senderE164: cert.senderE164, deviceId: cert.senderDeviceId };
}

function isSelf(cert: SenderCertificate, local: SealedSenderLocalAddress): boolean {
  const sameAccount =
    cert.senderUuid === local.uuid || (local.e164 !== null && cert.senderE164 === local.e164);
  return sameAccount && cert.senderDeviceId === local.deviceId;
}
