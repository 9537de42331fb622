/**
 * What a member keeps of one group, as one record of the client store
 * (namespace "group", sealed like every record by store/sealed-store.ts):
 * the signed changes it holds (so the same GroupLog is rebuilt after a
 * restart, concurrent changes and replays included), the state it started
 * from when it joined later, and its own sender key for the group — the
 * distribution id it sends under and which member devices have it.
 *
 * Storage form (protobuf, separate from the wire form): 1 format, 2 group
 * id, 3 base state, 4 signed change (repeated), 5 distribution id,
 * 6 distributed {1 account id, 2 device ids (packed)} (repeated).
 * Decoding is strict and throws ClientError('StoreCorrupt').
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ClientError } from '../errors.js';
import { GROUP_ID_BYTES, MAX_GROUP_MEMBERS } from './group-state.js';

export const GROUP_RECORD_FORMAT = 1;
/** Changes a record may hold: the log's own bound (group-log.ts MAX_HELD_GROUP_CHANGES) plus the chain. */
const MAX_STORED_CHANGES = 8192;
const MAX_DEVICES = 16;

export interface GroupRecord {
  readonly groupId: Uint8Array;
  /** Encoded state a member added later started from (undefined for members since the create). */
  readonly base?: Uint8Array;
  /** Encoded signed changes, oldest version first. */
  readonly changes: readonly Uint8Array[];
  /** The distribution id (UUID) of our current sender key for this group. */
  readonly distributionId: string;
  /** Per member account id: the device ids that received our current sender key. */
  readonly distributed: Readonly<Record<string, readonly number[]>>;
}

function corrupt(): never {
  throw new ClientError('StoreCorrupt', 'stored group is malformed');
}

export function encodeGroupRecord(r: GroupRecord): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint32(GROUP_RECORD_FORMAT);
  w.tag(2, WireType.LengthDelimited).bytes(r.groupId);
  if (r.base) w.tag(3, WireType.LengthDelimited).bytes(r.base);
  for (const c of r.changes) w.tag(4, WireType.LengthDelimited).bytes(c);
  w.tag(5, WireType.LengthDelimited).string(r.distributionId);
  for (const [accountId, devices] of Object.entries(r.distributed)) {
    const d = new BinaryWriter();
    d.tag(1, WireType.LengthDelimited).string(accountId);
    d.tag(2, WireType.LengthDelimited).fork();
    for (const id of devices) d.uint32(id);
    d.join();
    w.tag(6, WireType.LengthDelimited).bytes(d.finish());
  }
  return w.finish();
}

function decodeDistributed(bytes: Uint8Array): [string, number[]] {
  const r = new BinaryReader(bytes);
  let accountId: string | undefined;
  const devices: number[] = [];
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (no === 1 && type === WireType.LengthDelimited) accountId = r.string();
    else if (no === 2 && type === WireType.LengthDelimited) {
      const end = r.uint32() + r.pos;
      while (r.pos < end) {
        if (devices.length >= MAX_DEVICES) corrupt();
        devices.push(r.uint32());
      }
    } else corrupt();
  }
  if (accountId === undefined) corrupt();
  return [accountId, devices];
}

/** Decodes a stored group record; throws StoreCorrupt for anything else. */
export function decodeGroupRecord(bytes: Uint8Array): GroupRecord {
  let format: number | undefined;
  let groupId: Uint8Array | undefined;
  let base: Uint8Array | undefined;
  let distributionId: string | undefined;
  const changes: Uint8Array[] = [];
  const distributed: Record<string, number[]> = {};
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, type] = r.tag();
      if (no === 1 && type === WireType.Varint) format = r.uint32();
      else if (no === 2 && type === WireType.LengthDelimited) groupId = r.bytes();
      else if (no === 3 && type === WireType.LengthDelimited) base = r.bytes();
      else if (no === 4 && type === WireType.LengthDelimited) {
        if (changes.length >= MAX_STORED_CHANGES) corrupt();
        changes.push(r.bytes());
      } else if (no === 5 && type === WireType.LengthDelimited) distributionId = r.string();
      else if (no === 6 && type === WireType.LengthDelimited) {
        if (Object.keys(distributed).length >= MAX_GROUP_MEMBERS) corrupt();
        const [accountId, devices] = decodeDistributed(r.bytes());
        distributed[accountId] = devices;
      } else corrupt();
    }
  } catch (e) {
    if (e instanceof ClientError) throw e;
    corrupt();
  }
  if (format !== GROUP_RECORD_FORMAT || groupId?.length !== GROUP_ID_BYTES || !distributionId) corrupt();
  return { groupId, ...(base ? { base } : {}), changes, distributionId, distributed };
}
