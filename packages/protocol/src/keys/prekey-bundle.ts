/**
 * The prekey bundle an initiator fetches for a peer device (docs/protocol.md §3). The
 * Kyber prekey is required: tacet never falls back to a classic X3DH session.
 */
import type { KEMPublicKey } from './kem-keys.js';
import type { PublicKey } from './public-key.js';

/**
 * @example
 * const bundle: PreKeyBundle = {
 *   registrationId, deviceId: 1,
 *   preKey: { id: 42, publicKey: opk },
 *   signedPreKey: { id: 7, publicKey: spk, signature: spkSig },
 *   identityKey: bobIdentity,
 *   kyberPreKey: { id: 9, publicKey: kyberPub, signature: kyberSig },
 * };
 */
export interface PreKeyBundle {
  readonly registrationId: number;
  readonly deviceId: number;
  /** The optional one-time EC prekey. */
  readonly preKey?: { readonly id: number; readonly publicKey: PublicKey } | undefined;
  /** Signed by `identityKey` over `publicKey.serialize()` (33 bytes). */
  readonly signedPreKey: {
    readonly id: number;
    readonly publicKey: PublicKey;
    readonly signature: Uint8Array;
  };
  readonly identityKey: PublicKey;
  /** Signed by `identityKey` over `publicKey.serialize()` (1569 bytes). Required. */
  readonly kyberPreKey: {
    readonly id: number;
    readonly publicKey: KEMPublicKey;
    readonly signature: Uint8Array;
  };
}
