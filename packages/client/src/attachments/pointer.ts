/**
 * The attachment pointer: everything a recipient needs to fetch, check and
 * open one blob. It travels only inside an encrypted message, never to the
 * server in the clear. It names no recipient, so a group message can carry
 * the same pointer to every member. Decoding is strict and bounded.
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ClientError } from '../errors.js';
import { ATTACHMENT_KEY_BYTES } from './attachment-cipher.js';

/** Bytes of an attachment id: random and unguessable, since fetching needs only the id. */
export const ATTACHMENT_ID_BYTES = 32;
const DIGEST_BYTES = 32;
/** Longest file name kept (UTF-16 units); longer ones are cut by the sender. */
export const MAX_FILE_NAME_LENGTH = 255;
const MAX_CONTENT_TYPE_LENGTH = 127;
/** Largest inline thumbnail: it rides inside the message, which has to stay small. */
export const MAX_THUMBNAIL_BYTES = 32 * 1024;
/** Sizes above 2^40 bytes are nonsense for a messenger and would lose float precision later. */
const MAX_SIZE = 2 ** 40;
const MAX_DIMENSION = 65_535;

export interface AttachmentPointer {
  readonly id: Uint8Array;
  readonly key: Uint8Array;
  /** SHA-256 of the whole uploaded blob. */
  readonly digest: Uint8Array;
  /** Plaintext bytes (before bucket padding). */
  readonly size: number;
  readonly contentType: string;
  readonly fileName: string;
  readonly width?: number;
  readonly height?: number;
  /** A small JPEG preview of an image. */
  readonly thumbnail?: Uint8Array;
}

/** @example encodePointer({ id, key, digest, size: 3, contentType: 'text/plain', fileName: 'a.txt' }) */
export function encodePointer(p: AttachmentPointer): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).bytes(p.id);
  w.tag(2, WireType.LengthDelimited).bytes(p.key);
  w.tag(3, WireType.LengthDelimited).bytes(p.digest);
  w.tag(4, WireType.Varint).uint64(p.size);
  w.tag(5, WireType.LengthDelimited).string(p.contentType);
  w.tag(6, WireType.LengthDelimited).string(p.fileName);
  if (p.width !== undefined) w.tag(7, WireType.Varint).uint32(p.width);
  if (p.height !== undefined) w.tag(8, WireType.Varint).uint32(p.height);
  if (p.thumbnail) w.tag(9, WireType.LengthDelimited).bytes(p.thumbnail);
  return w.finish();
}

function invalid(why: string): never {
  throw new ClientError('InvalidContent', `received attachment is malformed: ${why}`);
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

function readFields(bytes: Uint8Array): Mutable<AttachmentPointer> {
  const r = new BinaryReader(bytes);
  const f: Mutable<AttachmentPointer> = {};
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    const len = type === WireType.LengthDelimited;
    if (no === 1 && len) f.id = r.bytes();
    else if (no === 2 && len) f.key = r.bytes();
    else if (no === 3 && len) f.digest = r.bytes();
    else if (no === 4 && type === WireType.Varint) f.size = Number(r.uint64());
    else if (no === 5 && len) f.contentType = r.string();
    else if (no === 6 && len) f.fileName = r.string();
    else if (no === 7 && type === WireType.Varint) f.width = r.uint32();
    else if (no === 8 && type === WireType.Varint) f.height = r.uint32();
    else if (no === 9 && len) f.thumbnail = r.bytes();
    else r.skip(type, no);
  }
  return f;
}

const dim = (d: number | undefined) => d === undefined || (d >= 1 && d <= MAX_DIMENSION);

/** Decodes outside bytes; throws ClientError('InvalidContent') on anything off. */
export function decodePointer(bytes: Uint8Array): AttachmentPointer {
  let f: Mutable<AttachmentPointer>;
  try {
    f = readFields(bytes);
  } catch {
    invalid('not a valid protobuf message');
  }
  const { id, key, digest, size, contentType, fileName } = f;
  if (id?.length !== ATTACHMENT_ID_BYTES) invalid('bad id');
  if (key?.length !== ATTACHMENT_KEY_BYTES) invalid('bad key');
  if (digest?.length !== DIGEST_BYTES) invalid('bad digest');
  if (size === undefined || !Number.isSafeInteger(size) || size > MAX_SIZE) invalid('bad size');
  if (contentType === undefined || contentType.length > MAX_CONTENT_TYPE_LENGTH) invalid('bad content type');
  if (fileName === undefined || fileName.length > MAX_FILE_NAME_LENGTH) invalid('bad file name');
  if (!dim(f.width) || !dim(f.height)) invalid('bad dimensions');
  if (f.thumbnail && f.thumbnail.length > MAX_THUMBNAIL_BYTES) invalid('thumbnail too large');
  const out: AttachmentPointer = { id, key, digest, size, contentType, fileName };
  return {
    ...out,
    ...(f.width !== undefined ? { width: f.width } : {}),
    ...(f.height !== undefined ? { height: f.height } : {}),
    ...(f.thumbnail ? { thumbnail: f.thumbnail } : {}),
  };
}
