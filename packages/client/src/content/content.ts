/**
 * The plaintext inside every encrypted message (our own schema, protobuf
 * wire format): a text, a timer change, a delivery receipt, or an
 * attachment (its pointer, with an optional caption). Decoding
 * outside bytes is strict and bounded and throws ClientError('InvalidContent');
 * a single field that appears twice is refused (`data.reason` 'repeated'), so
 * each content has one encoding and no later copy of a field overrides the first.
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { type AttachmentPointer, decodePointer, encodePointer } from '../attachments/pointer.js';
import { ClientError } from '../errors.js';
import { decodeGroupControl, encodeGroupControl, type GroupControl } from '../groups/group-control.js';
import { GROUP_ID_BYTES } from '../groups/group-state.js';
import { MAX_LAMPORT } from '../messenger/ordering.js';
import { isValidTimer } from '../timers/duration.js';
import { type Action, decodeAction, encodeAction } from './actions.js';

/** Longest text a message may carry, in UTF-16 code units (about a page). */
export const MAX_TEXT_LENGTH = 16 * 1024;
/** Message ids one receipt may acknowledge. */
export const MAX_RECEIPT_IDS = 256;
/** Bytes in a content id (same as the wire's send id). */
export const CONTENT_ID_BYTES = 16;

const KIND = { text: 1, timer: 2, receipt: 3, attachment: 4, action: 5, group: 6, sync: 7 } as const;
/** Bytes of an account id (the recipient a sync transcript names). */
const ACCOUNT_ID_BYTES = 16;

/**
 * Which group a text, attachment or action was sent to (groups/), and the group
 * version its sender was at: a member behind that version asks to catch up.
 */
export interface GroupTag {
  readonly id: Uint8Array;
  readonly version: number;
}

/**
 * A decoded message content. `sentAt` is the sender's clock and `clock` the
 * sender's Lamport clock of the conversation (messenger/ordering.ts): both
 * are end-to-end authenticated, so they, not the server, order history and
 * settings. Content without a clock (older clients) decodes as clock 0.
 */
export type Content = ContentKind & {
  /**
   * The version of the sender's own signed device list when it sent this
   * (field 14, stamped at encryption by stampDevicesVersion): a contact
   * holding an older list re-checks it, so it learns of a linked or removed
   * device from any message. Absent from older clients.
   */
  readonly devicesVersion?: number;
};

/** The content proper, by kind. */
export type ContentKind =
  | {
      kind: 'text';
      id: Uint8Array;
      sentAt: number;
      clock: number;
      body: string;
      timerSeconds: number;
      /** The content id of the message this one replies to (quotes). */
      replyTo?: Uint8Array;
      group?: GroupTag;
    }
  | { kind: 'timer'; id: Uint8Array; sentAt: number; clock: number; timerSeconds: number }
  | { kind: 'receipt'; id: Uint8Array; sentAt: number; receiptIds: Uint8Array[] }
  /**
   * A reaction, edit, delete or read receipt about earlier messages (actions.ts);
   * `group`: a reaction, edit or delete in that group, sent under the sender key.
   */
  | { kind: 'action'; id: Uint8Array; sentAt: number; action: Action; group?: GroupTag }
  /** A group change, sender key or catch-up request, sent 1:1 (groups/group-control.ts). */
  | { kind: 'group'; id: Uint8Array; sentAt: number; control: GroupControl }
  /**
   * Sent by another device of this account to its sibling devices only: what
   * it sent to `to` (raw account id), so it shows as sent here too
   * (messenger/sync.ts). Never a sync inside a sync.
   */
  | { kind: 'sync'; id: Uint8Array; sentAt: number; to: Uint8Array; sent: ContentKind }
  | {
      kind: 'attachment';
      id: Uint8Array;
      sentAt: number;
      clock: number;
      /** The caption; may be empty. */
      body: string;
      timerSeconds: number;
      pointer: AttachmentPointer;
      group?: GroupTag;
    };

/** @example encodeContent({ kind: 'text', id, sentAt: Date.now(), clock: 1, body: 'hi', timerSeconds: 30 }) */
export function encodeContent(c: Content): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).bytes(c.id);
  w.tag(2, WireType.Varint).uint64(c.sentAt);
  w.tag(3, WireType.Varint).uint32(KIND[c.kind]);
  if (c.kind === 'text' || c.kind === 'attachment') w.tag(4, WireType.LengthDelimited).string(c.body);
  const timed = c.kind === 'text' || c.kind === 'timer' || c.kind === 'attachment';
  if (timed) w.tag(5, WireType.Varint).uint32(c.timerSeconds);
  if (c.kind === 'receipt') for (const id of c.receiptIds) w.tag(6, WireType.LengthDelimited).bytes(id);
  if (timed) w.tag(7, WireType.Varint).uint64(c.clock);
  if (c.kind === 'attachment') w.tag(8, WireType.LengthDelimited).bytes(encodePointer(c.pointer));
  if (c.kind === 'text' && c.replyTo) w.tag(9, WireType.LengthDelimited).bytes(c.replyTo);
  if (c.kind === 'action') w.tag(10, WireType.LengthDelimited).bytes(encodeAction(c.action));
  if (c.kind === 'group') w.tag(11, WireType.LengthDelimited).bytes(encodeGroupControl(c.control));
  if (c.kind === 'sync') {
    w.tag(15, WireType.LengthDelimited).bytes(c.to);
    w.tag(16, WireType.LengthDelimited).bytes(encodeContent(c.sent));
  }
  if ((c.kind === 'text' || c.kind === 'attachment' || c.kind === 'action') && c.group) {
    w.tag(12, WireType.LengthDelimited).bytes(c.group.id);
    w.tag(13, WireType.Varint).uint32(c.group.version);
  }
  // Last, as stampDevicesVersion appends it: both give the same bytes.
  if (c.devicesVersion !== undefined) w.tag(14, WireType.Varint).uint32(c.devicesVersion);
  return w.finish();
}

/**
 * Adds the sender's device-list version to encoded content that carries
 * none (outbox items are stored without it: the version current when the
 * item is encrypted is the one that counts).
 * @example pad(stampDevicesVersion(item.content, 3))
 */
export function stampDevicesVersion(content: Uint8Array, version: number | undefined): Uint8Array {
  if (version === undefined) return content;
  const field = new BinaryWriter().tag(14, WireType.Varint).uint32(version).finish();
  const out = new Uint8Array(content.length + field.length);
  out.set(content);
  out.set(field, content.length);
  return out;
}

function invalid(why: string, reason = 'malformed'): never {
  throw new ClientError('InvalidContent', `received message is malformed: ${why}`, { reason });
}

function once<T>(seen: T | undefined, value: T, field: string): T {
  if (seen !== undefined) invalid(`${field} appears twice`, 'repeated');
  return value;
}

interface Fields {
  id?: Uint8Array;
  sentAt?: number;
  kind?: number;
  body?: string;
  timer?: number;
  clock?: number;
  pointer?: Uint8Array;
  replyTo?: Uint8Array;
  action?: Uint8Array;
  control?: Uint8Array;
  groupId?: Uint8Array;
  groupVersion?: number;
  devicesVersion?: number;
  syncTo?: Uint8Array;
  synced?: Uint8Array;
  receiptIds: Uint8Array[];
}

function readFields(bytes: Uint8Array): Fields {
  const r = new BinaryReader(bytes);
  const f: Fields = { receiptIds: [] };
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (no === 1 && type === WireType.LengthDelimited) f.id = once(f.id, r.bytes(), 'id');
    else if (no === 2 && type === WireType.Varint) f.sentAt = once(f.sentAt, Number(r.uint64()), 'sentAt');
    else if (no === 3 && type === WireType.Varint) f.kind = once(f.kind, r.uint32(), 'kind');
    else if (no === 4 && type === WireType.LengthDelimited) f.body = once(f.body, r.string(), 'body');
    else if (no === 5 && type === WireType.Varint) f.timer = once(f.timer, r.uint32(), 'timer');
    else if (no === 6 && type === WireType.LengthDelimited) {
      if (f.receiptIds.length >= MAX_RECEIPT_IDS) invalid('too many receipt ids');
      f.receiptIds.push(r.bytes());
    } else if (no === 7 && type === WireType.Varint) f.clock = once(f.clock, Number(r.uint64()), 'clock');
    else if (no === 8 && type === WireType.LengthDelimited) f.pointer = once(f.pointer, r.bytes(), 'pointer');
    else if (no === 9 && type === WireType.LengthDelimited) f.replyTo = once(f.replyTo, r.bytes(), 'replyTo');
    else if (no === 10 && type === WireType.LengthDelimited) f.action = once(f.action, r.bytes(), 'action');
    else if (no === 11 && type === WireType.LengthDelimited)
      f.control = once(f.control, r.bytes(), 'control');
    else if (no === 12 && type === WireType.LengthDelimited)
      f.groupId = once(f.groupId, r.bytes(), 'groupId');
    else if (no === 13 && type === WireType.Varint)
      f.groupVersion = once(f.groupVersion, r.uint32(), 'groupVersion');
    else if (no === 14 && type === WireType.Varint)
      f.devicesVersion = once(f.devicesVersion, r.uint32(), 'devicesVersion');
    else if (no === 15 && type === WireType.LengthDelimited) f.syncTo = once(f.syncTo, r.bytes(), 'syncTo');
    else if (no === 16 && type === WireType.LengthDelimited) f.synced = once(f.synced, r.bytes(), 'synced');
    else r.skip(type, no);
  }
  return f;
}

/** The group a text or attachment names, if any (both fields or neither). */
function groupTag(f: Fields): { group?: GroupTag } {
  if (f.groupId === undefined && f.groupVersion === undefined) return {};
  if (f.groupId?.length !== GROUP_ID_BYTES || f.groupVersion === undefined) invalid('bad group tag');
  return { group: { id: f.groupId, version: f.groupVersion } };
}

/** Decodes outside bytes into a Content, checking every field. */
export function decodeContent(bytes: Uint8Array): Content {
  let f: Fields;
  try {
    f = readFields(bytes);
  } catch (e) {
    if (e instanceof ClientError) throw e;
    invalid('not a valid protobuf message');
  }
  const kind = decodeKind(f);
  if (f.devicesVersion === undefined) return kind;
  if (f.devicesVersion === 0) invalid('device list version 0');
  return { ...kind, devicesVersion: f.devicesVersion };
}

function decodeKind(f: Fields): ContentKind {
  const { id, sentAt } = f;
  if (!id || id.length !== CONTENT_ID_BYTES) invalid('missing or bad id');
  if (sentAt === undefined || !Number.isSafeInteger(sentAt)) invalid('missing or bad sent time');
  const clock = f.clock ?? 0;
  if (!(Number.isSafeInteger(clock) && clock <= MAX_LAMPORT)) invalid('clock out of range');
  if (f.kind === KIND.text) {
    if (f.body === undefined || f.body.length > MAX_TEXT_LENGTH) invalid('missing or oversized text');
    const timerSeconds = f.timer ?? 0;
    if (!isValidTimer(timerSeconds)) invalid('timer out of range');
    const group = groupTag(f);
    if (f.replyTo === undefined)
      return { kind: 'text', id, sentAt, clock, body: f.body, timerSeconds, ...group };
    if (f.replyTo.length !== CONTENT_ID_BYTES) invalid('bad reply id');
    return { kind: 'text', id, sentAt, clock, body: f.body, timerSeconds, replyTo: f.replyTo, ...group };
  }
  if (f.kind === KIND.timer) {
    if (f.timer === undefined || !isValidTimer(f.timer)) invalid('timer out of range');
    return { kind: 'timer', id, sentAt, clock, timerSeconds: f.timer };
  }
  if (f.kind === KIND.attachment) {
    const body = f.body ?? '';
    if (body.length > MAX_TEXT_LENGTH) invalid('oversized caption');
    const timerSeconds = f.timer ?? 0;
    if (!isValidTimer(timerSeconds)) invalid('timer out of range');
    if (!f.pointer) invalid('attachment without pointer');
    const pointer = decodePointer(f.pointer);
    return { kind: 'attachment', id, sentAt, clock, body, timerSeconds, pointer, ...groupTag(f) };
  }
  if (f.kind === KIND.receipt) {
    if (f.receiptIds.some((x) => x.length !== CONTENT_ID_BYTES)) invalid('bad receipt id');
    return { kind: 'receipt', id, sentAt, receiptIds: f.receiptIds };
  }
  if (f.kind === KIND.action) {
    if (!f.action) invalid('action without body');
    const action = decodeAction(f.action);
    const group = groupTag(f);
    // Read receipts go 1:1 to each sender, never to a whole group.
    if (group.group && action.type === 'read') invalid('a read receipt sent to a group');
    return { kind: 'action', id, sentAt, action, ...group };
  }
  if (f.kind === KIND.sync) {
    if (f.syncTo?.length !== ACCOUNT_ID_BYTES || !f.synced) invalid('sync without recipient or content');
    const { devicesVersion: _, ...sent } = decodeContent(f.synced);
    if (sent.kind === 'sync') invalid('a sync inside a sync');
    return { kind: 'sync', id, sentAt, to: f.syncTo, sent };
  }
  if (f.kind === KIND.group) {
    if (!f.control) invalid('group message without body');
    return { kind: 'group', id, sentAt, control: decodeGroupControl(f.control) };
  }
  return invalid('unknown kind');
}
