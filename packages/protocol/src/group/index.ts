/**
 * Group messaging with sender keys (docs/protocol.md §6), byte-compatible with libsignal
 * 0.72.1: distribution messages, group encrypt/decrypt, records and stores.
 */
export {
  canonicalDistributionId,
  distributionIdFromBytes,
  distributionIdToBytes,
} from './distribution-id.js';
export { groupDecrypt, groupEncrypt, processSenderKeyDistributionMessage } from './group-cipher.js';
export { InMemorySenderKeyStore } from './in-memory-sender-key-store.js';
export {
  type SenderKeyDistributionFields,
  SenderKeyDistributionMessage,
} from './sender-key-distribution-message.js';
export { SENDER_KEY_MESSAGE_INFO, type SenderMessageKeys, senderMessageKeys } from './sender-key-keys.js';
export {
  SENDER_KEY_MESSAGE_TYPE,
  SenderKeyMessage,
  type SenderKeyMessageFields,
} from './sender-key-message.js';
export { SenderKeyRecord } from './sender-key-record.js';
export { SenderKeyState } from './sender-key-state.js';
export type { SenderKeyStore } from './sender-key-store.js';
