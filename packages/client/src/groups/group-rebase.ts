/**
 * Our changes that lost a tie-break to a concurrent change (group-log.ts):
 * each is made again on the state that won, signed anew and sent as
 * the next version, so every member ends with both changes, or, when it no
 * longer means anything there (the member is gone already, we are no longer
 * an admin, the name is already that), dropped with a notice saying why.
 * Only the author can do this: a change's signature covers its base, so
 * nobody else may move it.
 */
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { OutboxItem } from '../store/types.js';
import type { GroupEntry } from './group-book.js';
import type { SignedGroupChange } from './group-change.js';
import { encodeGroupState } from './group-codec.js';
import { absorb } from './group-effects.js';
import { changeItems } from './group-fanout.js';
import { type GroupState, memberOf } from './group-state.js';
import { applyGroupChange, signGroupChange } from './group-transition.js';

export interface Rebased {
  readonly entry: GroupEntry;
  /** Our changes signed again on the winning state, in the order they joined the chain. */
  readonly remade: readonly SignedGroupChange[];
  /** Changes we dropped, with why in plain words. */
  readonly dropped: ReadonlyArray<{ readonly change: SignedGroupChange; readonly why: string }>;
  /** The new changes for the members (staged by the caller with the rest of the batch). */
  readonly items: readonly OutboxItem[];
}

/** Whether `next` differs from `base` by more than its version (else the change did nothing). */
function changesSomething(base: GroupState, next: GroupState): boolean {
  const strip = (s: GroupState) => encodeGroupState({ ...s, version: 0 });
  const [a, b] = [strip(base), strip(next)];
  return a.length !== b.length || a.some((x, i) => x !== b[i]);
}

/** Re-signs each of `displaced` (ours, oldest first) on the head of `entry`, or drops it. */
export async function rebaseDisplaced(
  stores: ProtocolStores,
  start: GroupEntry,
  displaced: readonly SignedGroupChange[],
  self: string,
  now: number,
): Promise<Rebased> {
  let entry = start;
  const remade: SignedGroupChange[] = [];
  const dropped: Array<{ change: SignedGroupChange; why: string }> = [];
  const items: OutboxItem[] = [];
  const key = await stores.identities.getIdentityKeyPair();
  for (const old of [...displaced].sort((a, b) => a.version - b.version)) {
    const head = entry.log.state;
    if (!head || !memberOf(head, self)) {
      dropped.push({ change: old, why: 'you are no longer a member' });
      continue;
    }
    const signed = signGroupChange(head, head.id, self, key.privateKey, old.change);
    const result = applyGroupChange(head, signed);
    if (!result.ok) {
      dropped.push({ change: old, why: result.detail });
      continue;
    }
    if (!changesSomething(head, result.state)) {
      dropped.push({ change: old, why: 'the change that won already did it' });
      continue;
    }
    const r = await absorb(stores, entry, [signed], self);
    entry = r.entry;
    const next = entry.log.state;
    if (!next || !r.applied.includes(signed)) {
      dropped.push({ change: old, why: 'it does not fit the group any more' });
      continue;
    }
    remade.push(signed);
    items.push(...changeItems(signed, head, next, self, now));
  }
  return { entry, remade, dropped, items };
}
