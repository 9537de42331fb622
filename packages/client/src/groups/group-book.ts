/**
 * Reads and stages group records through the staged protocol stores
 * (sessions/protocol-stores.ts), so a group change lands in the same atomic
 * commit as the message that carried it and the ratchet step that opened
 * it. A record is rebuilt into its GroupLog by replaying the changes it
 * holds (each signature checked again: a tampered store cannot smuggle one in).
 */
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import { fromHex, toHex } from '../util.js';
import {
  decodeGroupState,
  decodeSignedGroupChange,
  encodeGroupState,
  encodeSignedGroupChange,
} from './group-codec.js';
import { GroupLog } from './group-log.js';
import { decodeGroupRecord, encodeGroupRecord, type GroupRecord } from './group-record.js';
import type { GroupState } from './group-state.js';

export const GROUP_NS = 'group';
/** Conversation ids of groups in the message store: `group:` and the id in hex. */
export const GROUP_CONVERSATION_PREFIX = 'group:';

/** One group as this member holds it: the log (its state) and our sender-key bookkeeping. */
export interface GroupEntry {
  readonly log: GroupLog;
  readonly distributionId: string;
  readonly distributed: Readonly<Record<string, readonly number[]>>;
}

export function groupConversationId(groupId: Uint8Array): string {
  return GROUP_CONVERSATION_PREFIX + toHex(groupId);
}

export function isGroupConversation(conversationId: string): boolean {
  return conversationId.startsWith(GROUP_CONVERSATION_PREFIX);
}

/** The group id of a group conversation id (undefined for a 1:1 one). */
export function groupIdOf(conversationId: string): Uint8Array | undefined {
  if (!isGroupConversation(conversationId)) return undefined;
  try {
    return fromHex(conversationId.slice(GROUP_CONVERSATION_PREFIX.length));
  } catch {
    return undefined;
  }
}

/** A fresh distribution id: a new sender key nobody outside the current members has. */
export function newDistributionId(): string {
  return crypto.randomUUID();
}

function rebuild(r: GroupRecord): GroupEntry {
  const log = new GroupLog(r.groupId, r.base ? decodeGroupState(r.base) : undefined);
  for (const c of r.changes) log.receive(decodeSignedGroupChange(c));
  return { log, distributionId: r.distributionId, distributed: r.distributed };
}

export async function loadGroup(
  stores: ProtocolStores,
  groupId: Uint8Array,
): Promise<GroupEntry | undefined> {
  const v = await stores.get(GROUP_NS, toHex(groupId));
  return v ? rebuild(decodeGroupRecord(v)) : undefined;
}

/** Stages `entry` for the caller's next commit. */
export function saveGroup(stores: ProtocolStores, entry: GroupEntry): void {
  // A long chain is stored from a recent state on: records stay under their change bound.
  const log = entry.log.compacted();
  const snapshot: GroupState | undefined = log.snapshot;
  const record: GroupRecord = {
    groupId: log.groupId,
    ...(snapshot ? { base: encodeGroupState(snapshot) } : {}),
    changes: log.changes().map(encodeSignedGroupChange),
    distributionId: entry.distributionId,
    distributed: entry.distributed,
  };
  stores.set(GROUP_NS, toHex(log.groupId), encodeGroupRecord(record));
}

/** Every group this profile holds (committed records). */
export async function listGroups(stores: ProtocolStores): Promise<GroupEntry[]> {
  const rows = await stores.listStored(GROUP_NS);
  return rows.map((row) => rebuild(decodeGroupRecord(row.value)));
}

/**
 * A stored group as a newly linked device gets it (docs/provisioning.md):
 * the same signed changes and base state, but a fresh distribution id and
 * nobody marked as having it — the new device has its own sender key, and
 * our other device's bookkeeping says nothing about who holds that one.
 */
export function groupRecordForLinkedDevice(value: Uint8Array): Uint8Array {
  const r = decodeGroupRecord(value);
  return encodeGroupRecord({ ...r, distributionId: newDistributionId(), distributed: {} });
}

/**
 * Whether a group record received while linking is one a device can use:
 * well-formed, stored under its own group id, and its changes (signatures
 * checked again on rebuild) lead to a state. Throws otherwise.
 */
export function checkLinkedGroupRecord(key: string, value: Uint8Array): void {
  const r = decodeGroupRecord(value);
  if (toHex(r.groupId) !== key) throw new RangeError('group stored under another id');
  if (!rebuild(r).log.state) throw new RangeError('group without a state');
}
