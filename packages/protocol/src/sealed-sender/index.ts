/**
 * Sealed sender (docs/protocol.md §8), byte-compatible with libsignal 0.72.1: server and
 * sender certificates, UnidentifiedSenderMessageContent, the v1 envelope, v2
 * multi-recipient messages (encrypt, server-side split, decrypt), and the
 * store-facing encrypt/decrypt calls.
 */
export {
  type SealedSenderDecryptionResult,
  type SealedSenderLocalAddress,
  sealedSenderDecryptMessage,
  sealedSenderEncryptMessage,
} from './sealed-sender-message.js';
export {
  type MultiRecipientStores,
  sealedSenderMultiRecipientEncrypt,
} from './sealed-sender-multi-recipient.js';
export {
  openToUsmc,
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
export {
  SEALED_SENDER_V2_RECEIVED_VERSION,
  SEALED_SENDER_V2_SENT_VERSION,
  sealedSenderV2Decrypt,
  sealedSenderV2Encrypt,
  type V2Encryption,
  type V2RecipientKeys,
} from './sealed-sender-v2.js';
export {
  encodeSealedSenderV2Sent,
  parseSealedSenderMultiRecipientMessage,
  type SealedSenderMultiRecipientMessage,
  type V2Device,
  type V2Recipient,
} from './sealed-sender-v2-sent.js';
export { SenderCertificate, type SenderCertificateFields } from './sender-certificate.js';
export { ServerCertificate } from './server-certificate.js';
export { SERVICE_ID_LENGTH, serviceIdFromFixedWidth, serviceIdToFixedWidth } from './service-id.js';
export { StaticSecrets } from './static-secrets.js';
export {
  ContentHint,
  type SealedContentType,
  type TypedCiphertext,
  UnidentifiedSenderMessageContent,
} from './unidentified-sender-message-content.js';
