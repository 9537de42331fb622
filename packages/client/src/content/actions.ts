/**
 * Actions on earlier messages, carried inside the encrypted content (kind
 * "action", field 10 of content.ts) so the server sees one more opaque
 * message and nothing else: a reaction, an edit or a delete of one's own
 * message, and read receipts. Each names its target by content id (the id
 * inside the sender's encrypted content, never a local row id).
 *
 * Wire form (protobuf): 1 version, 2 type, 3 target id (repeated for
 * read), 4 text (emoji or new body). Decoding checks every field and throws
 * ClientError('InvalidContent') with `data.reason` saying which check failed;
 * only one encoding is accepted (version at least 1, each single field once),
 * so a relayed action cannot be re-encoded into a second form that means the
 * same or — with a later copy of a field winning — something else.
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ClientError } from '../errors.js';

/** The action format this code writes; a newer one is refused (reason "version"), not guessed at. */
export const ACTION_VERSION = 1;
/** Longest reaction, in UTF-16 code units: one emoji, even a long ZWJ sequence. */
export const MAX_REACTION_LENGTH = 32;
/** Message ids one read receipt may name. */
export const MAX_READ_IDS = 256;
const ID_BYTES = 16;
/** Same bound as a text (content.ts MAX_TEXT_LENGTH), repeated here to avoid an import cycle. */
const MAX_BODY = 16 * 1024;

export type Action =
  /** `emoji` '' takes one's reaction back. */
  | { type: 'reaction'; target: Uint8Array; emoji: string }
  | { type: 'edit'; target: Uint8Array; body: string }
  | { type: 'delete'; target: Uint8Array }
  | { type: 'read'; targets: Uint8Array[] };

const TYPE = { reaction: 1, edit: 2, delete: 3, read: 4 } as const;

export type ActionErrorReason = 'malformed' | 'repeated' | 'version' | 'type' | 'target' | 'text';

function invalid(reason: ActionErrorReason, why: string): never {
  throw new ClientError('InvalidContent', `received action is malformed: ${why}`, { reason });
}

/** @example encodeAction({ type: 'reaction', target: id, emoji: '👍' }) */
export function encodeAction(a: Action): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint32(ACTION_VERSION);
  w.tag(2, WireType.Varint).uint32(TYPE[a.type]);
  const targets = a.type === 'read' ? a.targets : [a.target];
  for (const t of targets) w.tag(3, WireType.LengthDelimited).bytes(t);
  if (a.type === 'reaction') w.tag(4, WireType.LengthDelimited).string(a.emoji);
  if (a.type === 'edit') w.tag(4, WireType.LengthDelimited).string(a.body);
  return w.finish();
}

interface Fields {
  version?: number;
  type?: number;
  targets: Uint8Array[];
  text?: string;
}

/** A single field seen a second time is refused: the encoding would not be the one this code writes. */
function once<T>(seen: T | undefined, value: T, field: string): T {
  if (seen !== undefined) invalid('repeated', `${field} appears twice`);
  return value;
}

function readFields(bytes: Uint8Array): Fields {
  const f: Fields = { targets: [] };
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, type] = r.tag();
      if (no === 1 && type === WireType.Varint) f.version = once(f.version, r.uint32(), 'version');
      else if (no === 2 && type === WireType.Varint) f.type = once(f.type, r.uint32(), 'type');
      else if (no === 3 && type === WireType.LengthDelimited) {
        if (f.targets.length >= MAX_READ_IDS) invalid('target', 'too many targets');
        f.targets.push(r.bytes());
      } else if (no === 4 && type === WireType.LengthDelimited) f.text = once(f.text, r.string(), 'text');
      else r.skip(type, no);
    }
  } catch (e) {
    if (e instanceof ClientError) throw e;
    invalid('malformed', 'not a valid protobuf message');
  }
  return f;
}

/** Decodes outside bytes into an Action, checking every field. */
export function decodeAction(bytes: Uint8Array): Action {
  const f = readFields(bytes);
  if (f.version === undefined || f.version === 0) invalid('version', 'no version');
  if (f.version > ACTION_VERSION) invalid('version', `version ${f.version} is newer than this client`);
  if (f.targets.length === 0 || f.targets.some((t) => t.length !== ID_BYTES))
    invalid('target', 'bad target id');
  const one = f.targets[0] as Uint8Array;
  const single = f.targets.length === 1;
  switch (f.type) {
    case TYPE.reaction:
      if (!single) invalid('target', 'a reaction has one target');
      if (f.text === undefined || f.text.length > MAX_REACTION_LENGTH || /[\p{Cc}\s]/u.test(f.text))
        invalid('text', 'bad reaction');
      return { type: 'reaction', target: one, emoji: f.text };
    case TYPE.edit:
      if (!single) invalid('target', 'an edit has one target');
      if (f.text === undefined || f.text.length === 0 || f.text.length > MAX_BODY)
        invalid('text', 'bad edit');
      return { type: 'edit', target: one, body: f.text };
    case TYPE.delete:
      if (!single || f.text !== undefined) invalid('target', 'a delete has one target and no text');
      return { type: 'delete', target: one };
    case TYPE.read:
      if (f.text !== undefined) invalid('text', 'a read receipt has no text');
      if (new Set(f.targets.map((t) => t.join())).size !== f.targets.length)
        invalid('repeated', 'a read receipt names a message twice');
      return { type: 'read', targets: f.targets };
    default:
      return invalid('type', 'unknown action');
  }
}
