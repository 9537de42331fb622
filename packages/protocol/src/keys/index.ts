/** Keys barrel: EC and KEM keys, identity key pairs, prekey records and bundles. */
export { IdentityKeyPair } from './identity-key-pair.js';
export {
  KEM_TYPE_KYBER1024,
  KEM_TYPE_MLKEM1024,
  KEMKeyPair,
  KEMPublicKey,
  KEMSecretKey,
  type KemType,
  kemDecapsulate,
  kemEncapsulate,
} from './kem-keys.js';
export type { PreKeyBundle } from './prekey-bundle.js';
export { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from './prekey-records.js';
export { KeyPair, PrivateKey } from './private-key.js';
export { PublicKey } from './public-key.js';
