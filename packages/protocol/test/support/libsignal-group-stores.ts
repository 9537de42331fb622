/**
 * Test-only bridge to @signalapp/libsignal-client 0.72.1 for the group and
 * sealed-sender interop suites: an in-memory SenderKeyStore subclass (the
 * native side requires subclasses of its abstract stores) and Buffer/Uint8Array
 * conversion, so Buffer never leaks into packages/protocol/src.
 */
import * as S from '@signalapp/libsignal-client';
import {
  InMemorySenderKeyStore,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
} from '../../src/group/index.js';
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

/** A libsignal store holding the sender key of tacet's distribution message `skdm` from `sender`. */
export async function libsignalKeysFrom(
  sender: S.ProtocolAddress,
  skdm: SenderKeyDistributionMessage,
): Promise<LibsignalSenderKeyStore> {
  const keys = new LibsignalSenderKeyStore();
  const message = S.SenderKeyDistributionMessage.deserialize(buf(skdm.serialize()));
  await S.processSenderKeyDistributionMessage(sender, message, keys);
  return keys;
}

/** A tacet store holding the sender key of libsignal's distribution message `skdm` from `sender`. */
export async function tacetKeysFrom(
  sender: ProtocolAddress,
  skdm: S.SenderKeyDistributionMessage,
): Promise<InMemorySenderKeyStore> {
  const keys = new InMemorySenderKeyStore();
  const message = SenderKeyDistributionMessage.deserialize(u8(skdm.serialize()));
  await processSenderKeyDistributionMessage(sender, message, keys);
  return keys;
}

/** A sender certificate (no phone number) from a libsignal-made chain, and the trust root that chain ends in. */
export function libsignalIssuedCertificate(
  sender: { uuid: string; deviceId: number; identityKey: S.PublicKey },
  expiration: number,
): { certificate: S.SenderCertificate; root: S.PrivateKey } {
  const root = S.PrivateKey.generate();
  const serverKey = S.PrivateKey.generate();
  const server = S.ServerCertificate.new(1, serverKey.getPublicKey(), root);
  const { uuid, deviceId, identityKey } = sender;
  const certificate = S.SenderCertificate.new(
    uuid,
    null,
    deviceId,
    identityKey,
    expiration,
    server,
    serverKey,
  );
  return { certificate, root };
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

/** A module's default export, unwrapped once more when a CommonJS loader wrapped it. */
export function defaultExport<T>(module: { default: T }): T {
  const outer = module.default as T & { default?: T };
  return outer.default ?? outer;
}

/** libsignal's SSv2 sent-message parser. */
export const LibsignalMultiRecipientMessage: SSMRMClass = defaultExport(SSMRMModule);
