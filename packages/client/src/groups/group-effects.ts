/**
 * What follows when changes join a member's chain, the same for changes we
 * make and changes we receive: after a removal or a leave every remaining
 * member starts a new sender key (a new distribution id, given to nobody
 * yet), so whoever left can read nothing sent afterwards; and members we
 * never met get the identity key the group pinned for them, so a server
 * handing out another key for them later shows as a changed safety number.
 */

import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import { type GroupEntry, newDistributionId } from './group-book.js';
import type { SignedGroupChange } from './group-change.js';
import type { GroupLogUpdate, GroupWarning } from './group-log.js';
import { memberOf } from './group-state.js';

export interface Absorbed {
  readonly entry: GroupEntry;
  readonly applied: readonly SignedGroupChange[];
  readonly displaced: readonly SignedGroupChange[];
  readonly warnings: readonly GroupWarning[];
  /** Some change waits for a state this member never saw: it missed changes. */
  readonly behind: boolean;
}

/** Feeds `changes` into the entry's log and applies their consequences (staged in `stores`). */
export async function absorb(
  stores: ProtocolStores,
  entry: GroupEntry,
  changes: readonly SignedGroupChange[],
  me: string,
): Promise<Absorbed> {
  const applied: SignedGroupChange[] = [];
  const displaced: SignedGroupChange[] = [];
  const warnings: GroupWarning[] = [];
  const unwarned: SignedGroupChange[] = [];
  for (const c of changes) {
    const u: GroupLogUpdate = entry.log.receive(c);
    applied.push(...u.applied);
    displaced.push(...u.displaced);
    warnings.push(...u.warnings);
    if (u.warnings.length === 0) unwarned.push(c);
  }
  const state = entry.log.state;
  // Accepted but beyond the head: it waits for a change this member has not seen.
  const behind = unwarned.some((c) => c.version > (state?.version ?? 0));
  let next = entry;
  const departed = applied.some((c) => c.change.type === 'remove' || c.change.type === 'leave');
  if (departed && state && memberOf(state, me))
    next = { ...entry, distributionId: newDistributionId(), distributed: {} };
  if (state) await seedIdentities(stores, state.members, me);
  return { entry: next, applied, displaced, warnings, behind };
}

async function seedIdentities(
  stores: ProtocolStores,
  members: readonly { accountId: string; identityKey: Uint8Array }[],
  me: string,
): Promise<void> {
  for (const m of members) {
    if (m.accountId === me) continue;
    const { trusted, latest } = await stores.trustState(m.accountId);
    if (trusted || latest) continue;
    stores.set(NS.identity, m.accountId, m.identityKey);
    stores.set(NS.trusted, m.accountId, m.identityKey);
  }
}
