/**
 * A member's side of group traffic (issue 11): control messages that came
 * 1:1 (changes, welcomes, sender keys, catch-up requests and answers) and
 * group messages that came under a sender key. Everything is staged in the
 * inbox batch (messenger/inbox.ts) and commits with it. Nothing the server
 * says is believed: a change counts only under the group's rules
 * (group-transition.ts), a sender key only from a current member, a
 * message only from a current member of a group this profile holds.
 */
import {
  ProtocolAddress,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
} from '@tacet/protocol';
import type { Content } from '../content/content.js';
import type { ClientEvent } from '../events.js';
import type { InboxContext } from '../messenger/inbox.js';
import { toHex } from '../util.js';
import {
  type GroupEntry,
  groupConversationId,
  loadGroup,
  newDistributionId,
  saveGroup,
} from './group-book.js';
import type { SignedGroupChange } from './group-change.js';
import { decodeGroupState, decodeSignedGroupChange, encodeSignedGroupChange } from './group-codec.js';
import { MAX_HISTORY_CHANGES } from './group-control.js';
import { controlItem } from './group-control-item.js';
import { absorb } from './group-effects.js';
import { groupInfo, memberName } from './group-info.js';
import { GroupLog } from './group-log.js';
import { rebaseDisplaced } from './group-rebase.js';
import { memberOf } from './group-state.js';
import { senderKeys } from './sender-keys.js';

type GroupContent = Extract<Content, { kind: 'group' }>;
type Sender = { readonly accountId: string; readonly deviceId: number };

/** Resync requests already queued in a batch, per group: one per group per batch. */
const asked = new WeakMap<object, Set<string>>();

function warning(
  name: string,
  groupId: Uint8Array,
  reason: string,
  detail: string,
  signer = '',
): ClientEvent {
  return { type: 'group-warning', groupId: toHex(groupId), name, reason, detail, signer };
}

/** Asks `peer` for the changes after our version (once per group per batch). */
function askToCatchUp(ctx: InboxContext, peer: string, entry: GroupEntry): ClientEvent[] {
  const key = toHex(entry.log.groupId);
  const set = asked.get(ctx.batch) ?? new Set<string>();
  asked.set(ctx.batch, set);
  if (set.has(key)) return [];
  set.add(key);
  const version = entry.log.state?.version ?? 0;
  ctx.batch.putOutbox.push(
    controlItem(peer, { type: 'resync', groupId: entry.log.groupId, version }, ctx.now),
  );
  const name = entry.log.state?.name ?? key;
  return [warning(name, entry.log.groupId, 'behind', `missed changes to ${name}; asked ${peer} for them`)];
}

/** Absorbs changes into a held group, stages it and says what happened. */
async function takeChanges(
  ctx: InboxContext,
  self: string,
  from: Sender,
  entry: GroupEntry,
  changes: readonly SignedGroupChange[],
  /** A catch-up answer repeats changes we hold: those are expected, not warned about. */
  history = false,
): Promise<ClientEvent[]> {
  const was = entry.log.state;
  const r = await absorb(ctx.stores, entry, changes, self);
  const ours = r.displaced.filter((d) => d.signer === self);
  const rebased = await rebaseDisplaced(ctx.stores, r.entry, ours, self, ctx.now);
  saveGroup(ctx.stores, rebased.entry);
  ctx.batch.putOutbox.push(...rebased.items);
  const state = rebased.entry.log.state;
  const name = state?.name ?? toHex(entry.log.groupId);
  const warned = history ? r.warnings.filter((w) => w.reason !== 'replayed') : r.warnings;
  const events: ClientEvent[] = warned.map((w) =>
    warning(name, entry.log.groupId, w.reason, `ignored a change to ${name}: ${w.detail}`, w.signer),
  );
  if (state && state !== was) {
    const group = await groupInfo(state, self, ctx.contacts);
    for (const c of [...r.applied, ...rebased.remade])
      events.push({
        type: 'group-changed',
        group,
        change: c.change.type,
        by: c.signer,
        byName: c.signer === self ? 'you' : await memberName(ctx.contacts, c.signer),
      });
  }
  // Made again on the winning state: the members get it as a new change; only a drop needs the user.
  for (const d of rebased.dropped)
    events.push(
      warning(
        name,
        entry.log.groupId,
        'displaced',
        `your ${d.change.change.type} in ${name} was dropped: a change made at the same time won, and after it ${d.why}`,
        self,
      ),
    );
  if (r.behind) events.push(...askToCatchUp(ctx, from.accountId, rebased.entry));
  return events;
}

function decodeChanges(list: readonly Uint8Array[]): SignedGroupChange[] {
  return list.map(decodeSignedGroupChange);
}

/** A welcome: the base state and the signed add of this profile, from the admin who added it. */
async function join(ctx: InboxContext, self: string, from: Sender, base: Uint8Array, add: Uint8Array) {
  const state = decodeGroupState(base);
  const change = decodeSignedGroupChange(add);
  const held = await loadGroup(ctx.stores, state.id);
  if (held?.log.state && memberOf(held.log.state, self)) return takeChanges(ctx, self, from, held, [change]);
  const signer = memberOf(state, from.accountId);
  const { trusted, latest } = await ctx.stores.trustState(from.accountId);
  const senderKey = trusted ?? latest;
  // Only the admin who added us vouches for the state, under the key we know them by.
  if (
    change.signer !== from.accountId ||
    !signer ||
    !senderKey ||
    toHex(senderKey) !== toHex(signer.identityKey)
  )
    return [
      warning(
        state.name,
        state.id,
        'forged',
        `ignored an invitation to ${state.name} not signed by its sender`,
      ),
    ];
  const joined = await adopt(ctx, self, new GroupLog(state.id, state), change);
  return (
    joined ?? [
      warning(
        state.name,
        state.id,
        'invalid',
        `ignored an invitation to ${state.name} that does not add you`,
      ),
    ]
  );
}

/**
 * Starts holding a group from `log` (empty, or a joiner's base state) with
 * `first` on it: only if it applies and makes this profile a member.
 */
async function adopt(ctx: InboxContext, self: string, log: GroupLog, first: SignedGroupChange) {
  const entry: GroupEntry = { log, distributionId: newDistributionId(), distributed: {} };
  const r = await absorb(ctx.stores, entry, [first], self);
  const state = r.entry.log.state;
  if (!state || r.applied.length === 0 || !memberOf(state, self)) return undefined;
  saveGroup(ctx.stores, r.entry);
  const group = await groupInfo(state, self, ctx.contacts);
  const byName = await memberName(ctx.contacts, first.signer);
  return [{ type: 'group-changed' as const, group, change: first.change.type, by: first.signer, byName }];
}

/** A create or a change of a group: a create from its signer makes a group this profile is in. */
async function change(ctx: InboxContext, self: string, from: Sender, bytes: Uint8Array) {
  const c = decodeSignedGroupChange(bytes);
  const held = await loadGroup(ctx.stores, c.groupId);
  if (held) return takeChanges(ctx, self, from, held, [c]);
  if (c.change.type !== 'create' || c.signer !== from.accountId) return [];
  return (await adopt(ctx, self, new GroupLog(c.groupId), c)) ?? [];
}

/**
 * Applies one group control message from `from` (authenticated by sealed
 * sender and its session); returns what the UI should hear.
 */
export async function applyGroupControl(
  ctx: InboxContext,
  from: Sender,
  content: GroupContent,
): Promise<ClientEvent[]> {
  const self = ctx.self;
  if (self === undefined) return [];
  const control = content.control;
  switch (control.type) {
    case 'change':
      return change(ctx, self, from, control.change);
    case 'welcome':
      return join(ctx, self, from, control.base, control.change);
    case 'history': {
      const held = await loadGroup(ctx.stores, control.groupId);
      return held ? takeChanges(ctx, self, from, held, decodeChanges(control.changes), true) : [];
    }
    case 'resync': {
      const held = await loadGroup(ctx.stores, control.groupId);
      const state = held?.log.state;
      if (!held || !state || !memberOf(state, from.accountId)) return [];
      // One version back too: an asker whose head lost a tie-break needs the winner at that version.
      const since = Math.max(0, control.version - 1);
      const changes = held.log.chainSince(since).slice(0, MAX_HISTORY_CHANGES);
      if (changes.length === 0) return [];
      const answer = {
        type: 'history' as const,
        groupId: state.id,
        changes: changes.map(encodeSignedGroupChange),
      };
      ctx.batch.putOutbox.push(controlItem(from.accountId, answer, ctx.now));
      return [];
    }
    case 'sender-key': {
      const held = await loadGroup(ctx.stores, control.groupId);
      const state = held?.log.state;
      if (!state || !memberOf(state, from.accountId)) return [];
      const skdm = SenderKeyDistributionMessage.deserialize(control.skdm);
      const address = new ProtocolAddress(from.accountId, from.deviceId);
      await processSenderKeyDistributionMessage(address, skdm, senderKeys(ctx.stores));
      return [];
    }
  }
}

/**
 * Where a group message from `from` belongs: the group's conversation when
 * this profile holds the group and `from` is a member of it; undefined
 * (dropped, with a warning) otherwise. A sender ahead of us triggers a catch-up.
 */
export async function groupMessageTarget(
  ctx: InboxContext,
  from: Sender,
  group: { id: Uint8Array; version: number },
): Promise<{ conversationId?: string; events: ClientEvent[] }> {
  const held = await loadGroup(ctx.stores, group.id);
  const state = held?.log.state;
  if (!held || !state || !memberOf(state, from.accountId)) {
    const name = state?.name ?? toHex(group.id);
    return {
      events: [
        warning(
          name,
          group.id,
          'not-member',
          `ignored a message to ${name} from a non-member`,
          from.accountId,
        ),
      ],
    };
  }
  const events = group.version > state.version ? askToCatchUp(ctx, from.accountId, held) : [];
  return { conversationId: groupConversationId(group.id), events };
}
