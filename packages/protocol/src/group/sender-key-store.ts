/**
 * The port a client implements to persist sender keys, shaped like
 * libsignal's SenderKeyStore: records keyed by (sender address, distribution
 * id). Methods may answer synchronously or with a promise. The distribution
 * id handed to a store is always the canonical lower-case UUID.
 */
import type { SenderKeyRecord } from './sender-key-record.js';

/**
 * A device address: account name and device id. Structurally the same as the
 * session module's ProtocolAddress, so either can be passed.
 */
export interface SenderAddress {
  readonly name: string;
  readonly deviceId: number;
}

/**
 * @example
 * class SqliteSenderKeyStore implements SenderKeyStore {
 *   saveSenderKey(sender, distributionId, record) { db.put(key(sender, distributionId), record.serialize()); }
 *   getSenderKey(sender, distributionId) { const b = db.get(...); return b ? SenderKeyRecord.deserialize(b) : null; }
 * }
 */
export interface SenderKeyStore {
  saveSenderKey(sender: SenderAddress, distributionId: string, record: SenderKeyRecord): Promise<void> | void;
  getSenderKey(
    sender: SenderAddress,
    distributionId: string,
  ): Promise<SenderKeyRecord | null> | SenderKeyRecord | null;
}

/**
 * The map key of (sender, distribution id). The group functions always pass
 * the canonical lower-case id, so a store need not normalise it.
 */
export function senderKeyName(sender: SenderAddress, distributionId: string): string {
  return `${sender.name}.${sender.deviceId}::${distributionId}`;
}
