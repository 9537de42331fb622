/**
 * The protocol's SenderKeyStore over the staged protocol stores: one record
 * per (member device, distribution id) in namespace "sender-key", written
 * in the same commit as the message that created or advanced it.
 */
import { type ProtocolAddress, SenderKeyRecord, type SenderKeyStore } from '@tacet/protocol';
import type { ProtocolStores } from '../sessions/protocol-stores.js';

export const SENDER_KEY_NS = 'sender-key';

const keyOf = (sender: ProtocolAddress, distributionId: string) => `${sender.toString()}::${distributionId}`;

/** @example await groupEncrypt(me, distributionId, senderKeys(stores), plaintext) */
export function senderKeys(stores: ProtocolStores): SenderKeyStore {
  return {
    getSenderKey: async (sender, distributionId) => {
      const v = await stores.get(SENDER_KEY_NS, keyOf(sender, distributionId));
      return v ? SenderKeyRecord.deserialize(v) : null;
    },
    saveSenderKey: (sender, distributionId, record) =>
      stores.set(SENDER_KEY_NS, keyOf(sender, distributionId), record.serialize()),
  };
}
