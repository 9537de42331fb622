/**
 * The port a client implements to persist sender keys, shaped like
 * libsignal's SenderKeyStore: records keyed by (sender address, distribution
 * id). Methods may answer synchronously or with a promise. The distribution
 * id handed to a store is always the canonical lower-case UUID.
 */
import type { ProtocolAddress } from '../session/address.js';
import type { SenderKeyRecord } from './sender-key-record.js';

/**
 * @example
 * class SqliteSenderKeyStore implements SenderKeyStore {
 *   saveSenderKey(sender, distributionId, record) { db.put(key(sender, distributionId), record.serialize()); }
 *   getSenderKey(sender, distributionId) { const b = db.get(...); return b ? SenderKeyRecord.deserialize(b) : null; }
 * }
 */
export interface SenderKeyStore {
  saveSenderKey(
    sender: ProtocolAddress,
    distributionId: string,
    record: SenderKeyRecord,
  ): Promise<void> | void;
  getSenderKey(
    sender: ProtocolAddress,
    distributionId: string,
  ): Promise<SenderKeyRecord | null> | SenderKeyRecord | null;
}

/**
 * The map key of (sender, distribution id). The group functions always pass
 * the canonical lower-case id, so a store need not normalise it.
 */
export function senderKeyName(sender: ProtocolAddress, distributionId: string): string {
  return `${sender.name}.${sender.deviceId}::${distributionId}`;
}
