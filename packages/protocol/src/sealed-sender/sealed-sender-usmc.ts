/**
 * Store-facing sealed-sender calls at the USMC layer, in libsignal's shape
 * (docs/protocol.md §8.3, §9 "Sealed sender calls"): seal a USMC to a recipient whose
 * identity key is in the store, and open an envelope back to a USMC whose
 * certificate key matches the sealed static key. Certificate validation
 * against the trust root and 1:1 decryption happen in sealed-sender-message.ts.
 */
import { ProtocolError } from '../errors.js';
import type { IdentityKeyPair } from '../keys/index.js';
import type { ProtocolAddress } from '../session/address.js';
import type { IdentityKeyStore } from '../session/stores.js';
import { sealedSenderDecryptV1, sealedSenderEncryptV1 } from './sealed-sender-v1.js';
import { sealedSenderV2Decrypt } from './sealed-sender-v2.js';
import type { StaticSecrets } from './static-secrets.js';
import { UnidentifiedSenderMessageContent } from './unidentified-sender-message-content.js';

/** The part of the IdentityKeyStore sealed sender needs. */
export type SealedSenderIdentityStore = Pick<IdentityKeyStore, 'getIdentityKeyPair' | 'getIdentity'>;

/**
 * Seals `usmc` to `address`, using the identity key the store holds for it
 * (NoSession when it holds none, as libsignal's "session not found").
 * `secrets` (optional) remembers the static–static agreement per peer.
 *
 * @example
 * const envelope = await sealedSenderEncrypt(usmc, bob, identityStore);
 */
export async function sealedSenderEncrypt(
  usmc: UnidentifiedSenderMessageContent,
  address: ProtocolAddress,
  identityStore: SealedSenderIdentityStore,
  secrets?: StaticSecrets,
): Promise<Uint8Array> {
  const recipient = await identityStore.getIdentity(address);
  if (recipient === null) {
    throw new ProtocolError('NoSession', `no identity key for ${address.name}.${address.deviceId}`);
  }
  return sealedSenderEncryptV1(
    usmc.serialize(),
    recipient,
    await identityStore.getIdentityKeyPair(),
    secrets,
  );
}

/**
 * Opens an envelope to its USMC. The sender certificate is parsed and bound
 * to the sealed static key, but NOT validated against a trust root: callers
 * that stop here (sender-key messages, docs/protocol.md §8.3 step 4) must call
 * `usmc.senderCertificate.validate(trustRoot, now)` themselves.
 *
 * @example
 * const usmc = await sealedSenderDecryptToUsmc(envelope, identityStore);
 * if (!usmc.senderCertificate.validate(trustRoot, Date.now())) throw ...;
 */
export async function sealedSenderDecryptToUsmc(
  bytes: Uint8Array,
  identityStore: Pick<SealedSenderIdentityStore, 'getIdentityKeyPair'>,
  secrets?: StaticSecrets,
): Promise<UnidentifiedSenderMessageContent> {
  return openToUsmc(bytes, await identityStore.getIdentityKeyPair(), secrets);
}

/** The synchronous core of sealedSenderDecryptToUsmc (v1, or a v2 received message), for callers holding the key pair. */
export function openToUsmc(
  bytes: Uint8Array,
  ownIdentity: IdentityKeyPair,
  secrets?: StaticSecrets,
): UnidentifiedSenderMessageContent {
  // v2 binds the certificate's key through its sender AT instead (docs/protocol.md §8.4).
  if (bytes instanceof Uint8Array && bytes.length > 0 && (bytes[0] as number) >> 4 === 2) {
    return sealedSenderV2Decrypt(bytes, ownIdentity, secrets);
  }
  const opened = sealedSenderDecryptV1(bytes, ownIdentity, secrets);
  const usmc = UnidentifiedSenderMessageContent.deserialize(opened.usmc);
  // Whoever holds a certificate could otherwise seal it under a different key.
  if (!usmc.senderCertificate.identityKey.equals(opened.senderIdentityKey)) {
    throw new ProtocolError('InvalidMessage', 'sender certificate key does not match the sealed key');
  }
  return usmc;
}
