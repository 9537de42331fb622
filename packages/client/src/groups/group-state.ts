/**
 * A group as its members' devices hold it (issue 11, item 1): the server
 * never sees any of this. Members are named by account id and pinned to the
 * identity key they had when added, so a change's signature is checked
 * against the key the group itself recorded, never one a server hands out.
 */

/** Bytes in a group id (random, chosen by the creator). */
export const GROUP_ID_BYTES = 32;
/** Most members a group may have (issue 11, item 6). */
export const MAX_GROUP_MEMBERS = 1000;
/** Longest group name, in UTF-8 bytes. */
export const MAX_GROUP_NAME_BYTES = 256;
/** Longest account id string a member entry may carry. */
export const MAX_ACCOUNT_ID_CHARS = 64;
/** Disappearing-message timer of a new group, as for 1:1 conversations. */
export const DEFAULT_GROUP_TIMER_SECONDS = 30;
/** Longest timer: a year (0 turns the timer off). */
export const MAX_GROUP_TIMER_SECONDS = 365 * 24 * 3600;
/** Serialized identity public key: type byte 0x05 and 32 bytes. */
export const IDENTITY_KEY_BYTES = 33;

export interface GroupMember {
  readonly accountId: string;
  /** The member's identity public key (33 bytes) as pinned by the group. */
  readonly identityKey: Uint8Array;
}

/** One version of a group. Members and admins are kept sorted by account id (canonical form). */
export interface GroupState {
  readonly id: Uint8Array;
  readonly version: number;
  readonly name: string;
  readonly members: readonly GroupMember[];
  readonly admins: readonly string[];
  readonly timerSeconds: number;
}

/** Ascending by UTF-16 code units: the same on every device. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function memberOf(state: GroupState, accountId: string): GroupMember | undefined {
  return state.members.find((m) => m.accountId === accountId);
}

export function isAdmin(state: GroupState, accountId: string): boolean {
  return state.admins.includes(accountId);
}
