/**
 * A SenderKeyStore in memory, for tests and examples. It keeps serialized
 * bytes (as a database would) so every save/load goes through the strict
 * record codec and no caller can alias a stored record.
 */

import type { ProtocolAddress } from '../session/address.js';
import { SenderKeyRecord } from './sender-key-record.js';
import { type SenderKeyStore, senderKeyName } from './sender-key-store.js';

/**
 * @example
 * const store = new InMemorySenderKeyStore();
 * const skdm = await SenderKeyDistributionMessage.create(me, distributionId, store);
 */
export class InMemorySenderKeyStore implements SenderKeyStore {
  private readonly records = new Map<string, Uint8Array>();

  async saveSenderKey(
    sender: ProtocolAddress,
    distributionId: string,
    record: SenderKeyRecord,
  ): Promise<void> {
    this.records.set(senderKeyName(sender, distributionId), record.serialize());
  }

  async getSenderKey(sender: ProtocolAddress, distributionId: string): Promise<SenderKeyRecord | null> {
    const bytes = this.records.get(senderKeyName(sender, distributionId));
    return bytes === undefined ? null : SenderKeyRecord.deserialize(bytes);
  }
}
