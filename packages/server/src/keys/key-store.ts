/**
 * Port for the prekey directory. Formats and signatures are checked before a
 * call reaches the store; the store only keeps and hands out keys, with the
 * one-time claims atomic (two concurrent claims never get the same key).
 */

export interface StoredPreKey {
  keyId: number;
  publicKey: Uint8Array;
}
export interface StoredSignedPreKey extends StoredPreKey {
  signature: Uint8Array;
}

/** One device's upload, already validated. Absent parts are left as they are. */
export interface KeyUpload {
  identityKey: Uint8Array;
  signedPreKey?: StoredSignedPreKey;
  pqLastResortPreKey?: StoredSignedPreKey;
  preKeys?: StoredPreKey[];
  pqPreKeys?: StoredSignedPreKey[];
}

/** Outcome of {@link KeyStore.putKeys}. */
export type PutKeysResult = 'ok' | 'no_device' | 'identity_key_mismatch' | 'too_many_keys';

/** A device's bundle with the one-time keys it consumed. */
export interface ClaimedDeviceBundle {
  deviceId: number;
  registrationId: number;
  signedPreKey: StoredSignedPreKey;
  preKey?: StoredPreKey;
  /** One-time Kyber prekey if one was left, else the last-resort one. */
  pqPreKey: StoredSignedPreKey;
  pqPreKeyIsLastResort: boolean;
}

export interface ClaimedBundle {
  identityKey: Uint8Array;
  devices: ClaimedDeviceBundle[];
}

export interface KeyStore {
  /** The account's identity key, if uploaded. */
  getIdentityKey(accountId: Uint8Array): Promise<Uint8Array | undefined>;
  /**
   * Stores an upload in one transaction: sets the identity key on first use
   * (later uploads must repeat it), replaces signed / last-resort keys, adds
   * one-time keys (replacing any with the same id), refusing if a kind would
   * exceed `maxOneTimeKeys`.
   */
  putKeys(
    accountId: Uint8Array,
    deviceId: number,
    upload: KeyUpload,
    maxOneTimeKeys: number,
  ): Promise<PutKeysResult>;
  /** One-time keys left for a device. */
  countOneTimeKeys(accountId: Uint8Array, deviceId: number): Promise<{ preKeys: number; pqPreKeys: number }>;
  /**
   * Claims a bundle for one device (or every device when `deviceId` is
   * undefined), consuming one one-time EC and one one-time Kyber prekey per
   * device atomically. Devices without a signed prekey and a Kyber key are
   * skipped; undefined when nothing is claimable.
   */
  claimBundle(accountId: Uint8Array, deviceId: number | undefined): Promise<ClaimedBundle | undefined>;
}
