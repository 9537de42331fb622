/**
 * Port for waking the connection that holds a recipient device. A wake-up
 * carries no content: the woken connection reads the durable queue itself,
 * so a lost wake-up delays a message but never loses it. Adapters:
 * fanout/local (one process), fanout/redis (several nodes).
 */

/** `account hex + '.' + device` naming one device's channel. */
export type DeviceKey = string;

/** Builds the {@link DeviceKey} of a device. */
export function deviceKey(accountId: Uint8Array, deviceId: number): DeviceKey {
  const hex = Buffer.from(accountId.buffer, accountId.byteOffset, accountId.byteLength).toString('hex');
  return `${hex}.${deviceId}`;
}

export interface Fanout {
  /** Calls `listener` whenever `key` is woken; returns the unsubscribe function. */
  subscribe(key: DeviceKey, listener: () => void): () => void;
  /** Wakes every subscriber of each key (on any node). */
  publish(keys: readonly DeviceKey[]): Promise<void>;
  close(): Promise<void>;
}
