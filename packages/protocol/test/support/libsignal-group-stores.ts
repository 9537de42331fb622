/**
 * Test-only bridge to @signalapp/libsignal-client 0.72.1 for the group and
 * sealed-sender interop suites: an in-memory SenderKeyStore subclass (the
 * native side requires subclasses of its abstract stores) and Buffer/Uint8Array
 * conversion, so Buffer never leaks into packages/protocol/src.
 */
import * as S from '@signalapp/libsignal-client';
import { ProtocolAddress } from '../../src/session/address.js';

/** A Buffer view of `bytes` for libsignal's typings. */
export function buf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array copy of a libsignal output. */
export function u8(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer);
}

/** libsignal's SenderKeyStore keeping serialized records, like the recipe of docs/protocol.md §9. */
export class LibsignalSenderKeyStore extends S.SenderKeyStore {
  private readonly records = new Map<string, Uint8Array>();

  async saveSenderKey(
    sender: S.ProtocolAddress,
    distributionId: S.Uuid,
    record: S.SenderKeyRecord,
  ): Promise<void> {
    this.records.set(`${sender.toString()}::${distributionId}`, record.serialize());
  }

  async getSenderKey(sender: S.ProtocolAddress, distributionId: S.Uuid): Promise<S.SenderKeyRecord | null> {
    const bytes = this.records.get(`${sender.toString()}::${distributionId}`);
    return bytes === undefined ? null : S.SenderKeyRecord.deserialize(buf(bytes));
  }
}

/** Both sides' address objects for one device. */
export function addresses(
  name: string,
  deviceId: number,
): { lib: S.ProtocolAddress; tacet: ProtocolAddress } {
  return { lib: S.ProtocolAddress.new(name, deviceId), tacet: ProtocolAddress.new(name, deviceId) };
}

import * as SSMRMModule from '@signalapp/libsignal-client/dist/SealedSenderMultiRecipientMessage.js';

type SSMRMClass = typeof SSMRMModule.default;

/** libsignal's SSv2 sent-message parser (a CommonJS default export, unwrapped for either loader). */
export const LibsignalMultiRecipientMessage: SSMRMClass = (() => {
  const outer = SSMRMModule.default as SSMRMClass & { default?: SSMRMClass };
  return outer.default ?? outer;
})();
