/**
 * Versioned binary codec of group states and signed changes. One canonical
 * encoding per value (sorted, duplicate-free lists; exact lengths; no
 * trailing bytes), so the state hash a change builds on is the same on
 * every device. The decoder is strict and bounded by its input, and throws
 * GroupCodecError with a stable `reason` for anything else.
 *
 *   state  = 0x01 ‖ id(32) ‖ u32 version ‖ str name ‖ u16 n ‖ n×member ‖ u16 m ‖ m×str admin ‖ u32 timer
 *   member = str accountId ‖ identityKey(33)
 *   change = 0x01 ‖ id(32) ‖ u32 version ‖ baseHash(32) ‖ str signer ‖ u8 type ‖ body ‖ signature(64)
 *   str    = u16 byte length ‖ UTF-8
 */
import type { GroupChange, SignedGroupChange } from './group-change.js';
import {
  compareIds,
  GROUP_ID_BYTES,
  type GroupMember,
  type GroupState,
  IDENTITY_KEY_BYTES,
  MAX_ACCOUNT_ID_CHARS,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_BYTES,
} from './group-state.js';

/** The codec version written in the first byte. */
export const GROUP_CODEC_VERSION = 1;
export const GROUP_HASH_BYTES = 32;
export const GROUP_SIGNATURE_BYTES = 64;

export type GroupCodecErrorReason =
  | 'truncated'
  | 'trailing'
  | 'version'
  | 'unknown-change'
  | 'non-canonical'
  | 'invalid-utf8'
  | 'limit';

/** Input that is not a canonical v1 encoding. */
export class GroupCodecError extends Error {
  override readonly name = 'GroupCodecError';
  constructor(
    readonly reason: GroupCodecErrorReason,
    message: string,
  ) {
    super(`group codec: ${message}`);
  }
}

const TYPES = ['create', 'add', 'remove', 'leave', 'rename', 'promote', 'demote', 'timer'] as const;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Writer {
  private readonly parts: number[] = [];
  private readonly chunks: Uint8Array[] = [];
  private flush(): void {
    if (this.parts.length > 0) this.chunks.push(Uint8Array.from(this.parts.splice(0)));
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${v} does not fit 16 bits`);
    return this.u8(v >> 8).u8(v);
  }
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${v} does not fit 32 bits`);
    return this.u8(v >>> 24)
      .u8(v >>> 16)
      .u8(v >>> 8)
      .u8(v);
  }
  fixed(bytes: Uint8Array, length: number, what: string): this {
    if (bytes.length !== length) throw new RangeError(`${what} must be ${length} bytes`);
    this.flush();
    this.chunks.push(bytes);
    return this;
  }
  str(s: string): this {
    const b = utf8.encode(s);
    this.u16(b.length);
    this.flush();
    this.chunks.push(b);
    return this;
  }
  bytes(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly input: Uint8Array) {}
  take(n: number): Uint8Array {
    if (n > this.input.length - this.pos) throw new GroupCodecError('truncated', 'input ends early');
    const out = this.input.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u8(): number {
    return this.take(1)[0] as number;
  }
  u16(): number {
    const b = this.take(2);
    return ((b[0] as number) << 8) | (b[1] as number);
  }
  u32(): number {
    const b = this.take(4);
    return (
      (((b[0] as number) << 24) >>> 0) +
      (((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number))
    );
  }
  str(maxBytes: number, what: string): string {
    const n = this.u16();
    if (n > maxBytes) throw new GroupCodecError('limit', `${what} longer than ${maxBytes} bytes`);
    try {
      return strictUtf8.decode(this.take(n));
    } catch (err) {
      if (err instanceof GroupCodecError) throw err;
      throw new GroupCodecError('invalid-utf8', `${what} is not UTF-8`);
    }
  }
  end(): void {
    if (this.pos !== this.input.length) throw new GroupCodecError('trailing', 'bytes after the end');
  }
}

function writeMembers(w: Writer, members: readonly GroupMember[]): void {
  w.u16(members.length);
  for (const m of members) w.str(m.accountId).fixed(m.identityKey, IDENTITY_KEY_BYTES, 'identity key');
}

function writeIds(w: Writer, ids: readonly string[]): void {
  w.u16(ids.length);
  for (const id of ids) w.str(id);
}

function ascending(ids: readonly string[], what: string): void {
  for (let i = 1; i < ids.length; i++)
    if (compareIds(ids[i - 1] as string, ids[i] as string) >= 0)
      throw new GroupCodecError('non-canonical', `${what} not strictly ascending`);
}

function readAccountId(r: Reader): string {
  const id = r.str(MAX_ACCOUNT_ID_CHARS * 4, 'account id');
  if (id.length === 0 || id.length > MAX_ACCOUNT_ID_CHARS)
    throw new GroupCodecError('limit', `account id of ${id.length} characters`);
  return id;
}

function readMembers(r: Reader): GroupMember[] {
  const n = r.u16();
  if (n > MAX_GROUP_MEMBERS) throw new GroupCodecError('limit', `${n} members`);
  const members: GroupMember[] = [];
  for (let i = 0; i < n; i++)
    members.push({ accountId: readAccountId(r), identityKey: r.take(IDENTITY_KEY_BYTES) });
  ascending(
    members.map((m) => m.accountId),
    'members',
  );
  return members;
}

function readIds(r: Reader, what: string): string[] {
  const n = r.u16();
  if (n > MAX_GROUP_MEMBERS) throw new GroupCodecError('limit', `${n} ${what}`);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(readAccountId(r));
  ascending(ids, what);
  return ids;
}

function readVersionByte(r: Reader): void {
  const v = r.u8();
  if (v !== GROUP_CODEC_VERSION) throw new GroupCodecError('version', `codec version ${v}`);
}

/** The canonical bytes of a state (what its hash is taken over). */
export function encodeGroupState(state: GroupState): Uint8Array {
  const w = new Writer().u8(GROUP_CODEC_VERSION).fixed(state.id, GROUP_ID_BYTES, 'group id');
  w.u32(state.version).str(state.name);
  writeMembers(w, state.members);
  writeIds(w, state.admins);
  return w.u32(state.timerSeconds).bytes();
}

/** Throws GroupCodecError unless `bytes` is a canonical v1 state. */
export function decodeGroupState(bytes: Uint8Array): GroupState {
  const r = new Reader(bytes);
  readVersionByte(r);
  const id = r.take(GROUP_ID_BYTES);
  const version = r.u32();
  const name = r.str(MAX_GROUP_NAME_BYTES, 'name');
  const members = readMembers(r);
  const admins = readIds(r, 'admins');
  const timerSeconds = r.u32();
  r.end();
  const ids = new Set(members.map((m) => m.accountId));
  if (admins.some((a) => !ids.has(a))) throw new GroupCodecError('non-canonical', 'an admin is not a member');
  return { id, version, name, members, admins, timerSeconds };
}

function writeChange(w: Writer, change: GroupChange): void {
  w.u8(TYPES.indexOf(change.type));
  switch (change.type) {
    case 'create':
      w.str(change.name);
      writeMembers(w, change.members);
      writeIds(w, change.admins);
      w.u32(change.timerSeconds);
      return;
    case 'add':
      writeMembers(w, change.members);
      return;
    case 'remove':
      writeIds(w, change.accountIds);
      return;
    case 'leave':
      return;
    case 'rename':
      w.str(change.name);
      return;
    case 'promote':
    case 'demote':
      w.str(change.accountId);
      return;
    case 'timer':
      w.u32(change.seconds);
      return;
  }
}

function readChange(r: Reader): GroupChange {
  const type = TYPES[r.u8()];
  switch (type) {
    case 'create': {
      const name = r.str(MAX_GROUP_NAME_BYTES, 'name');
      return { type, name, members: readMembers(r), admins: readIds(r, 'admins'), timerSeconds: r.u32() };
    }
    case 'add':
      return { type, members: readMembers(r) };
    case 'remove':
      return { type, accountIds: readIds(r, 'removed members') };
    case 'leave':
      return { type };
    case 'rename':
      return { type, name: r.str(MAX_GROUP_NAME_BYTES, 'name') };
    case 'promote':
    case 'demote':
      return { type, accountId: readAccountId(r) };
    case 'timer':
      return { type, seconds: r.u32() };
    default:
      throw new GroupCodecError('unknown-change', 'unknown change type');
  }
}

function writeUnsigned(change: Omit<SignedGroupChange, 'signature'>): Writer {
  const w = new Writer().u8(GROUP_CODEC_VERSION).fixed(change.groupId, GROUP_ID_BYTES, 'group id');
  w.u32(change.version).fixed(change.baseHash, GROUP_HASH_BYTES, 'base hash').str(change.signer);
  writeChange(w, change.change);
  return w;
}

const SIGNING_CONTEXT = utf8.encode('tacet group change v1\0');

/** What the signer's identity key signs: a context label, then the change without its signature. */
export function groupChangeSigningBytes(change: Omit<SignedGroupChange, 'signature'>): Uint8Array {
  const body = writeUnsigned(change).bytes();
  const out = new Uint8Array(SIGNING_CONTEXT.length + body.length);
  out.set(SIGNING_CONTEXT);
  out.set(body, SIGNING_CONTEXT.length);
  return out;
}

export function encodeSignedGroupChange(change: SignedGroupChange): Uint8Array {
  return writeUnsigned(change).fixed(change.signature, GROUP_SIGNATURE_BYTES, 'signature').bytes();
}

/** Throws GroupCodecError unless `bytes` is a canonical v1 signed change. Says nothing of its validity. */
export function decodeSignedGroupChange(bytes: Uint8Array): SignedGroupChange {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('a group change must be a Uint8Array');
  const r = new Reader(bytes);
  readVersionByte(r);
  const groupId = r.take(GROUP_ID_BYTES);
  const version = r.u32();
  const baseHash = r.take(GROUP_HASH_BYTES);
  const signer = readAccountId(r);
  const change = readChange(r);
  const signature = r.take(GROUP_SIGNATURE_BYTES);
  r.end();
  return { groupId, version, baseHash, signer, change, signature };
}
