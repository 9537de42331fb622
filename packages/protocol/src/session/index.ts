/**
 * Sessions barrel: 1:1 sessions of version 4 (PQXDH + Double Ratchet), their
 * wire messages (and the plaintext decryption-error answer), records and store ports.
 */
export { ProtocolAddress } from './address.js';
export {
  type CiphertextMessage,
  CiphertextMessageType,
  type SessionCiphertextType,
} from './ciphertext-message.js';
export { type DecryptableType, DecryptionErrorMessage } from './decryption-error-message.js';
export {
  extractDecryptionErrorMessage,
  PLAINTEXT_CONTENT_IDENTIFIER,
  PlaintextContent,
} from './plaintext-content.js';
export { signalDecryptPreKey } from './prekey-decrypt.js';
export { PreKeySignalMessage } from './prekey-signal-message.js';
export { processPreKeyBundle } from './process-bundle.js';
export { signalDecrypt, signalEncrypt } from './session-cipher.js';
export { SessionRecord } from './session-record.js';
export { SESSION_VERSION, type SessionState } from './session-state.js';
export { SignalMessage } from './signal-message.js';
export {
  Direction,
  IdentityChange,
  type IdentityKeyStore,
  type KyberPreKeyStore,
  type PreKeyStore,
  type PreKeyStores,
  type SessionStore,
  type SessionStores,
  type SignedPreKeyStore,
} from './stores.js';
