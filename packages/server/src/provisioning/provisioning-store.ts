/**
 * Port for provisioning channels (docs/provisioning.md): short-lived
 * mailboxes through which a new device and an existing device of the same
 * person exchange three opaque blobs while linking. The server never reads
 * them: they are an ephemeral public key and two ciphertexts. Each slot is
 * written once, so nobody can replace a blob after it was posted, and the
 * whole channel is gone at its expiry or when the new device closes it.
 */

/** Outcome of {@link ProvisioningStore.putSlot}. */
export type PutSlotResult = 'ok' | 'taken' | 'no_channel';

export interface ProvisioningStore {
  /** Opens a channel until `expiresAt` (ms) and drops channels expired by `now`; false if the id exists. */
  openChannel(channel: Uint8Array, expiresAt: number, now: number): Promise<boolean>;
  /** Writes `slot` once; `no_channel` when the channel is unknown or expired at `now`. */
  putSlot(channel: Uint8Array, slot: number, blob: Uint8Array, now: number): Promise<PutSlotResult>;
  /** The slot's blob; undefined while empty; `no_channel` when the channel is unknown or expired. */
  getSlot(channel: Uint8Array, slot: number, now: number): Promise<Uint8Array | undefined | 'no_channel'>;
  /** Deletes the channel and its slots (the new device is done with it). */
  closeChannel(channel: Uint8Array): Promise<void>;
}
