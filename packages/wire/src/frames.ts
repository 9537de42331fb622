/**
 * Encoding and strict decoding of WebSocket frames. Decoding outside bytes
 * checks the size first, then protobuf well-formedness, then the schema
 * (ids, counts, lengths), and throws WireError with a stable code on any
 * failure, so a server can close just the offending connection.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ErrorCode, WireError } from './errors.js';
import {
  type ClientFrame,
  ClientFrameSchema,
  type ServerFrame,
  ServerFrameSchema,
} from './gen/tacet/wire/v1/frames_pb.js';
import {
  MAX_ACK_IDS,
  MAX_CONTENT_BYTES,
  MAX_ENVELOPES_PER_SEND,
  MAX_FRAME_BYTES,
  MESSAGE_ID_BYTES,
} from './limits.js';

function bad(message: string, path: string): never {
  throw new WireError(ErrorCode.BadRequest, message, path);
}

function decode<T>(bytes: Uint8Array, parse: () => T): T {
  if (!(bytes instanceof Uint8Array)) bad('frame must be binary', 'frame');
  if (bytes.length > MAX_FRAME_BYTES) {
    throw new WireError(ErrorCode.PayloadTooLarge, `frame larger than ${MAX_FRAME_BYTES} bytes`, 'frame');
  }
  try {
    return parse();
  } catch {
    bad('frame is not a valid protobuf message', 'frame');
  }
}

function checkId(id: Uint8Array, path: string): void {
  if (id.length !== MESSAGE_ID_BYTES) bad(`must be ${MESSAGE_ID_BYTES} bytes`, path);
}

function checkClientFrame(frame: ClientFrame): void {
  const kind = frame.kind;
  if (kind.case === 'send') {
    const send = kind.value;
    checkId(send.id, 'send.id');
    if (send.envelopes.length === 0 || send.envelopes.length > MAX_ENVELOPES_PER_SEND) {
      bad(`must hold 1..${MAX_ENVELOPES_PER_SEND} envelopes`, 'send.envelopes');
    }
    send.envelopes.forEach((e, i) => {
      if (e.accountId.length !== 16) bad('must be 16 bytes', `send.envelopes[${i}].accountId`);
      if (e.deviceId < 1) bad('must be at least 1', `send.envelopes[${i}].deviceId`);
      if (e.content.length === 0 || e.content.length > MAX_CONTENT_BYTES) {
        bad(`must be 1..${MAX_CONTENT_BYTES} bytes`, `send.envelopes[${i}].content`);
      }
    });
  } else if (kind.case === 'ack') {
    if (kind.value.ids.length === 0 || kind.value.ids.length > MAX_ACK_IDS)
      bad(`must hold 1..${MAX_ACK_IDS} ids`, 'ack.ids');
    for (const [i, id] of kind.value.ids.entries()) checkId(id, `ack.ids[${i}]`);
  } else {
    bad('frame has no known kind', 'frame');
  }
}

/**
 * Decodes and schema-checks a client frame from outside bytes.
 * @example const frame = decodeClientFrame(bytes); if (frame.kind.case === 'send') ...
 */
export function decodeClientFrame(bytes: Uint8Array): ClientFrame {
  const frame = decode(bytes, () => fromBinary(ClientFrameSchema, bytes, { readUnknownFields: false }));
  checkClientFrame(frame);
  return frame;
}

/** Decodes a server frame (a client's view of outside bytes). */
export function decodeServerFrame(bytes: Uint8Array): ServerFrame {
  const frame = decode(bytes, () => fromBinary(ServerFrameSchema, bytes, { readUnknownFields: false }));
  if (frame.kind.case === undefined) bad('frame has no known kind', 'frame');
  return frame;
}

/** Encodes a client frame, e.g. `encodeClientFrame({ requestId: 1, kind: { case: 'ack', value: { ids } } })`. */
export function encodeClientFrame(init: Parameters<typeof create<typeof ClientFrameSchema>>[1]): Uint8Array {
  return toBinary(ClientFrameSchema, create(ClientFrameSchema, init));
}

/** Encodes a server frame, e.g. `encodeServerFrame({ kind: { case: 'queueDrained', value: {} } })`. */
export function encodeServerFrame(init: Parameters<typeof create<typeof ServerFrameSchema>>[1]): Uint8Array {
  return toBinary(ServerFrameSchema, create(ServerFrameSchema, init));
}
