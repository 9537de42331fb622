/**
 * What travels in a wire Envelope's `content`: who sent it and the Signal
 * ciphertext. @NOTE This names the sender to the server; sealed sender,
 * once the protocol package provides it, replaces this wrapper.
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ClientError } from '../errors.js';

/** Signal ciphertext types (specs/signal-protocol.md §5.4). */
export const CiphertextType = { Whisper: 2, PreKey: 3 } as const;
export type CiphertextType = (typeof CiphertextType)[keyof typeof CiphertextType];

export interface WrappedMessage {
  readonly sender: Uint8Array;
  readonly senderDevice: number;
  readonly type: CiphertextType;
  readonly ciphertext: Uint8Array;
}

export function encodeWrapper(m: WrappedMessage): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).bytes(m.sender);
  w.tag(2, WireType.Varint).uint32(m.senderDevice);
  w.tag(3, WireType.Varint).uint32(m.type);
  w.tag(4, WireType.LengthDelimited).bytes(m.ciphertext);
  return w.finish();
}

/** Strict decode of outside bytes; throws ClientError('InvalidContent'). */
export function decodeWrapper(bytes: Uint8Array): WrappedMessage {
  const f: Partial<{ sender: Uint8Array; device: number; type: number; ct: Uint8Array }> = {};
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, t] = r.tag();
      if (no === 1 && t === WireType.LengthDelimited) f.sender = r.bytes();
      else if (no === 2 && t === WireType.Varint) f.device = r.uint32();
      else if (no === 3 && t === WireType.Varint) f.type = r.uint32();
      else if (no === 4 && t === WireType.LengthDelimited) f.ct = r.bytes();
      else r.skip(t, no);
    }
  } catch {
    throw new ClientError('InvalidContent', 'received envelope is not a valid protobuf message');
  }
  const { sender, device, type, ct } = f;
  const okType = type === CiphertextType.Whisper || type === CiphertextType.PreKey;
  if (sender?.length !== 16 || !device || !okType || !ct || ct.length === 0) {
    throw new ClientError('InvalidContent', 'received envelope is missing its sender or ciphertext');
  }
  return { sender, senderDevice: device, type, ciphertext: ct };
}
