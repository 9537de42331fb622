/**
 * A tacet device for session tests: identity, registration id, in-memory
 * stores, and prekeys it can publish as a bundle.
 */
import {
  IdentityKeyPair,
  KEM_TYPE_KYBER1024,
  type KemType,
  KyberPreKeyRecord,
  type PreKeyBundle,
  PreKeyRecord,
  ProtocolAddress,
  SignedPreKeyRecord,
} from '../../src/index.js';
import { createInMemoryStores, type InMemoryStores } from './in-memory-stores.js';

export interface TacetParty {
  address: ProtocolAddress;
  identity: IdentityKeyPair;
  registrationId: number;
  stores: InMemoryStores;
  /** Generates and stores fresh prekeys, and returns the bundle that publishes them. */
  bundle(options?: { oneTime?: boolean; kemType?: KemType; ids?: number }): Promise<PreKeyBundle>;
}

/** `identity` lets two devices of one account share an identity (note-to-self sessions). */
export function createTacetParty(
  name: string,
  deviceId = 1,
  identity: IdentityKeyPair = IdentityKeyPair.generate(),
): TacetParty {
  const registrationId = 1 + Math.floor(Math.random() * 16380);
  const stores = createInMemoryStores(identity, registrationId);
  let nextId = 1;
  return {
    address: ProtocolAddress.new(name, deviceId),
    identity,
    registrationId,
    stores,
    async bundle(options = {}) {
      const id = options.ids ?? nextId++;
      const signed = SignedPreKeyRecord.generate(id, identity, Date.now());
      const kyber = KyberPreKeyRecord.generate(
        id,
        identity,
        Date.now(),
        options.kemType ?? KEM_TYPE_KYBER1024,
      );
      await stores.signedPreKeys.saveSignedPreKey(id, signed);
      await stores.kyberPreKeys.saveKyberPreKey(id, kyber);
      let preKey: PreKeyBundle['preKey'];
      if (options.oneTime !== false) {
        const record = PreKeyRecord.generate(id);
        await stores.preKeys.savePreKey(id, record);
        preKey = { id, publicKey: record.keyPair.publicKey };
      }
      return {
        registrationId,
        deviceId,
        preKey,
        signedPreKey: { id, publicKey: signed.keyPair.publicKey, signature: signed.signature },
        identityKey: identity.publicKey,
        kyberPreKey: { id, publicKey: kyber.keyPair.publicKey, signature: kyber.signature },
      };
    },
  };
}
