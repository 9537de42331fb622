/**
 * The one rule for moving a group from a state to the next (issue 11,
 * item 1): a change applies only to the state it names (its hash and
 * version), only if its signature verifies under the identity key the
 * group pinned for its signer, and only if that signer may make it there —
 * an admin of the base state for every change except leave, which only the
 * leaving member signs. Pure: no clock, no I/O, so every member computes
 * the same result.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { type PrivateKey, PublicKey } from '@tacet/protocol';
import type { GroupChange, SignedGroupChange } from './group-change.js';
import { encodeGroupState, GROUP_HASH_BYTES, groupChangeSigningBytes } from './group-codec.js';
import {
  compareIds,
  GROUP_ID_BYTES,
  type GroupMember,
  type GroupState,
  IDENTITY_KEY_BYTES,
  isAdmin,
  MAX_ACCOUNT_ID_CHARS,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_BYTES,
  MAX_GROUP_TIMER_SECONDS,
  memberOf,
} from './group-state.js';

/** Why a change was not applied. */
export type GroupRejection =
  /** The signature does not verify, or the signer is not a member of the base state. */
  | 'forged'
  /** The signer is a member but may not make this change (not an admin). */
  | 'not-admin'
  /** The change does not fit its base (wrong version, unknown member, no admin left, ...). */
  | 'invalid'
  /** More than MAX_GROUP_MEMBERS members, or a name or timer out of range. */
  | 'limit';

export type TransitionResult =
  | { ok: true; state: GroupState }
  | { ok: false; reason: GroupRejection; detail: string };

/** The hash a change names as its base (32 zero bytes before create). */
export function groupStateHash(state: GroupState | undefined): Uint8Array {
  return state === undefined ? new Uint8Array(GROUP_HASH_BYTES) : sha256(encodeGroupState(state));
}

const utf8 = new TextEncoder();
const no = (reason: GroupRejection, detail: string): TransitionResult => ({ ok: false, reason, detail });

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sorted<T>(items: readonly T[], id: (t: T) => string): T[] {
  return [...items].sort((a, b) => compareIds(id(a), id(b)));
}

function verified(signed: SignedGroupChange, key: Uint8Array): boolean {
  try {
    const { signature, ...unsigned } = signed;
    return PublicKey.deserialize(key).verifySignature(groupChangeSigningBytes(unsigned), signature);
  } catch {
    return false; // a key that does not parse verifies nothing
  }
}

function checkMembers(members: readonly GroupMember[]): string | undefined {
  if (members.length > MAX_GROUP_MEMBERS) return `more than ${MAX_GROUP_MEMBERS} members`;
  for (const m of members) {
    if (m.accountId.length === 0 || m.accountId.length > MAX_ACCOUNT_ID_CHARS) return 'bad account id';
    if (m.identityKey.length !== IDENTITY_KEY_BYTES) return `bad identity key for ${m.accountId}`;
  }
  return undefined;
}

function checkName(name: string): boolean {
  return utf8.encode(name).length <= MAX_GROUP_NAME_BYTES;
}

function checkTimer(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_GROUP_TIMER_SECONDS;
}

function create(
  signed: SignedGroupChange,
  change: Extract<GroupChange, { type: 'create' }>,
): TransitionResult {
  if (signed.version !== 1) return no('invalid', 'create must be version 1');
  if (!sameBytes(signed.baseHash, groupStateHash(undefined)))
    return no('invalid', 'create builds on nothing');
  const bad = checkMembers(change.members);
  if (bad) return no('limit', bad);
  if (!checkName(change.name) || !checkTimer(change.timerSeconds))
    return no('limit', 'name or timer out of range');
  const members = sorted(change.members, (m) => m.accountId);
  const ids = new Set(members.map((m) => m.accountId));
  if (ids.size !== members.length) return no('invalid', 'a member is listed twice');
  const admins = [...new Set(change.admins)].sort(compareIds);
  if (admins.length === 0 || admins.some((a) => !ids.has(a))) return no('invalid', 'admins must be members');
  const signer = members.find((m) => m.accountId === signed.signer);
  if (!signer || !verified(signed, signer.identityKey)) return no('forged', 'create not signed by a member');
  if (!admins.includes(signed.signer)) return no('not-admin', 'the creator must be an admin');
  const state = {
    id: signed.groupId,
    version: 1,
    name: change.name,
    members,
    admins,
    timerSeconds: change.timerSeconds,
  };
  return { ok: true, state };
}

function applyTo(base: GroupState, signer: string, change: GroupChange): GroupState | TransitionResult {
  const next = (fields: Partial<GroupState>): GroupState => ({
    ...base,
    version: base.version + 1,
    ...fields,
  });
  switch (change.type) {
    case 'create':
      return no('invalid', 'the group exists');
    case 'add': {
      if (change.members.length === 0) return no('invalid', 'nobody to add');
      const members = sorted([...base.members, ...change.members], (m) => m.accountId);
      if (new Set(members.map((m) => m.accountId)).size !== members.length)
        return no('invalid', 'already a member');
      const bad = checkMembers(members);
      return bad ? no('limit', bad) : next({ members });
    }
    case 'remove': {
      const gone = new Set(change.accountIds);
      if (gone.size === 0 || [...gone].some((id) => !memberOf(base, id)))
        return no('invalid', 'not a member');
      const members = base.members.filter((m) => !gone.has(m.accountId));
      const admins = base.admins.filter((a) => !gone.has(a));
      if (admins.length === 0 && members.length > 0) return no('invalid', 'the group would have no admin');
      return next({ members, admins });
    }
    case 'leave': {
      const members = base.members.filter((m) => m.accountId !== signer);
      const admins = base.admins.filter((a) => a !== signer);
      if (admins.length === 0 && members.length > 0)
        return no('invalid', 'the last admin must promote someone before leaving');
      return next({ members, admins });
    }
    case 'rename':
      return checkName(change.name) ? next({ name: change.name }) : no('limit', 'name too long');
    case 'promote':
      if (!memberOf(base, change.accountId) || isAdmin(base, change.accountId))
        return no('invalid', 'not a member, or already an admin');
      return next({ admins: [...base.admins, change.accountId].sort(compareIds) });
    case 'demote':
      if (!isAdmin(base, change.accountId) || base.admins.length === 1)
        return no('invalid', 'not an admin, or the last one');
      return next({ admins: base.admins.filter((a) => a !== change.accountId) });
    case 'timer':
      return checkTimer(change.seconds)
        ? next({ timerSeconds: change.seconds })
        : no('limit', 'timer out of range');
  }
}

/**
 * The state `signed` leads to from `base` (undefined before create), or why
 * it does not apply.
 *
 * @example
 * const r = applyGroupChange(state, signed);
 * if (!r.ok) warn(`ignored a group change: ${r.reason}`);
 */
export function applyGroupChange(base: GroupState | undefined, signed: SignedGroupChange): TransitionResult {
  if (signed.groupId.length !== GROUP_ID_BYTES) return no('invalid', 'bad group id');
  if (base === undefined)
    return signed.change.type === 'create' ? create(signed, signed.change) : no('invalid', 'no group yet');
  if (!sameBytes(signed.groupId, base.id)) return no('invalid', 'another group');
  if (signed.version !== base.version + 1)
    return no('invalid', `version ${signed.version} after ${base.version}`);
  if (!sameBytes(signed.baseHash, groupStateHash(base))) return no('invalid', 'builds on another state');
  const signer = memberOf(base, signed.signer);
  if (!signer || !verified(signed, signer.identityKey)) return no('forged', 'signature does not verify');
  if (signed.change.type !== 'leave' && !isAdmin(base, signed.signer))
    return no('not-admin', 'signer is not an admin');
  const result = applyTo(base, signed.signer, signed.change);
  return 'ok' in result ? result : { ok: true, state: result };
}

/** The change with its lists sorted and deduplicated, as the codec requires. */
function canonicalChange(change: GroupChange): GroupChange {
  const ids = (list: readonly string[]) => [...new Set(list)].sort(compareIds);
  switch (change.type) {
    case 'create':
      return { ...change, members: sorted(change.members, (m) => m.accountId), admins: ids(change.admins) };
    case 'add':
      return { ...change, members: sorted(change.members, (m) => m.accountId) };
    case 'remove':
      return { ...change, accountIds: ids(change.accountIds) };
    default:
      return change;
  }
}

/**
 * Signs `change` as the next version of `base` (undefined to create a group
 * with id `groupId`).
 *
 * @example
 * const signed = signGroupChange(state, state.id, myAccountId, identity.privateKey, { type: 'rename', name: 'desk' });
 */
export function signGroupChange(
  base: GroupState | undefined,
  groupId: Uint8Array,
  signer: string,
  key: PrivateKey,
  change: GroupChange,
): SignedGroupChange {
  const unsigned = {
    groupId,
    version: (base?.version ?? 0) + 1,
    baseHash: groupStateHash(base),
    signer,
    change: canonicalChange(change),
  };
  return { ...unsigned, signature: key.sign(groupChangeSigningBytes(unsigned)) };
}
