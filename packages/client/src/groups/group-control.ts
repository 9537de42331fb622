/**
 * Group control messages, carried 1:1 inside the encrypted content (kind
 * "group", field 11 of content/content.ts): the server sees one more sealed
 * message and learns no group id, name or member. They carry signed changes
 * (group-codec.ts) and sender keys; who may send what is checked where they
 * are applied (group-inbox.ts), not here.
 *
 * Wire form (protobuf): 1 type, 2 group id, 3 signed change (repeated for
 * history), 4 base state (welcome), 5 SenderKeyDistributionMessage, 6 version.
 * Decoding is strict and bounded and throws ClientError('InvalidContent').
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ClientError } from '../errors.js';
import { GROUP_ID_BYTES } from './group-state.js';

/** Changes one history answer may carry (a member further behind asks again). */
export const MAX_HISTORY_CHANGES = 64;

export type GroupControl =
  /** One signed change (encoded), for a member of the state it builds on. */
  | { type: 'change'; change: Uint8Array }
  /** To a new member: the state its add builds on, and the signed add itself. */
  | { type: 'welcome'; base: Uint8Array; change: Uint8Array }
  /** The sender's current sender key for the group (a SenderKeyDistributionMessage). */
  | { type: 'sender-key'; groupId: Uint8Array; skdm: Uint8Array }
  /** "I am at `version`; send me what came after" (a member that missed changes). */
  | { type: 'resync'; groupId: Uint8Array; version: number }
  /** The answer to a resync: signed changes, oldest first. */
  | { type: 'history'; groupId: Uint8Array; changes: Uint8Array[] };

const TYPE = { change: 1, welcome: 2, 'sender-key': 3, resync: 4, history: 5 } as const;

function invalid(why: string): never {
  throw new ClientError('InvalidContent', `received group message is malformed: ${why}`);
}

/** @example encodeGroupControl({ type: 'change', change: encodeSignedGroupChange(signed) }) */
export function encodeGroupControl(c: GroupControl): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint32(TYPE[c.type]);
  if ('groupId' in c) w.tag(2, WireType.LengthDelimited).bytes(c.groupId);
  const changes = c.type === 'history' ? c.changes : 'change' in c ? [c.change] : [];
  for (const ch of changes) w.tag(3, WireType.LengthDelimited).bytes(ch);
  if (c.type === 'welcome') w.tag(4, WireType.LengthDelimited).bytes(c.base);
  if (c.type === 'sender-key') w.tag(5, WireType.LengthDelimited).bytes(c.skdm);
  if (c.type === 'resync') w.tag(6, WireType.Varint).uint32(c.version);
  return w.finish();
}

interface Fields {
  type?: number;
  groupId?: Uint8Array;
  changes: Uint8Array[];
  base?: Uint8Array;
  skdm?: Uint8Array;
  version?: number;
}

function readFields(bytes: Uint8Array): Fields {
  const f: Fields = { changes: [] };
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, type] = r.tag();
      if (no === 1 && type === WireType.Varint) f.type = r.uint32();
      else if (no === 2 && type === WireType.LengthDelimited) f.groupId = r.bytes();
      else if (no === 3 && type === WireType.LengthDelimited) {
        if (f.changes.length >= MAX_HISTORY_CHANGES) invalid('too many changes');
        f.changes.push(r.bytes());
      } else if (no === 4 && type === WireType.LengthDelimited) f.base = r.bytes();
      else if (no === 5 && type === WireType.LengthDelimited) f.skdm = r.bytes();
      else if (no === 6 && type === WireType.Varint) f.version = r.uint32();
      else r.skip(type, no);
    }
  } catch (e) {
    if (e instanceof ClientError) throw e;
    invalid('not a valid protobuf message');
  }
  return f;
}

function groupIdOf(f: Fields): Uint8Array {
  if (f.groupId?.length !== GROUP_ID_BYTES) invalid('missing or bad group id');
  return f.groupId;
}

function one(f: Fields): Uint8Array {
  if (f.changes.length !== 1) invalid('expected exactly one change');
  return f.changes[0] as Uint8Array;
}

/** Decodes outside bytes into a GroupControl; the changes inside are decoded (and checked) by their consumer. */
export function decodeGroupControl(bytes: Uint8Array): GroupControl {
  const f = readFields(bytes);
  switch (f.type) {
    case TYPE.change:
      return { type: 'change', change: one(f) };
    case TYPE.welcome:
      if (!f.base) invalid('welcome without its base state');
      return { type: 'welcome', base: f.base, change: one(f) };
    case TYPE['sender-key']:
      if (!f.skdm) invalid('sender key message missing');
      return { type: 'sender-key', groupId: groupIdOf(f), skdm: f.skdm };
    case TYPE.resync:
      if (f.version === undefined) invalid('resync without a version');
      return { type: 'resync', groupId: groupIdOf(f), version: f.version };
    case TYPE.history:
      return { type: 'history', groupId: groupIdOf(f), changes: f.changes };
    default:
      return invalid('unknown group message type');
  }
}
