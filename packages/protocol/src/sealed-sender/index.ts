/**
 * Sealed sender v1 (spec §8), byte-compatible with libsignal 0.72.1:
 * server and sender certificates, UnidentifiedSenderMessageContent, the v1
 * envelope, and the store-facing encrypt/decrypt calls.
 */

export {
  type SealedSenderDecryptionResult,
  type SealedSenderLocalAddress,
  sealedSenderDecryptMessage,
  sealedSenderEncryptMessage,
} from './sealed-sender-message.js';
export {
  openToUsmc,
  type SealedSenderAddress,
  type SealedSenderIdentityStore,
  sealedSenderDecryptToUsmc,
  sealedSenderEncrypt,
} from './sealed-sender-usmc.js';
export {
  type OpenedSealedSender,
  SEALED_SENDER_V1_VERSION_BYTE,
  sealedSenderDecryptV1,
  sealedSenderEncryptV1,
} from './sealed-sender-v1.js';
export { SenderCertificate, type SenderCertificateFields } from './sender-certificate.js';
export { ServerCertificate } from './server-certificate.js';
export {
  ContentHint,
  type SealedContentType,
  type TypedCiphertext,
  UnidentifiedSenderMessageContent,
} from './unidentified-sender-message-content.js';
