/**
 * Who is sent one of our signed changes, and what each gets: every member
 * of the state it leads to; a member it removed too (so they learn they are
 * out, then get nothing more); and a member it added a welcome carrying the
 * state the add builds on, since a newcomer has no history to check it on;
 * and our own other devices (an item addressed to our own account).
 * The same for a change made by hand (groups.ts) and one re-signed after a
 * concurrent change won (group-rebase.ts).
 */
import type { OutboxItem } from '../store/types.js';
import type { SignedGroupChange } from './group-change.js';
import { encodeGroupState, encodeSignedGroupChange } from './group-codec.js';
import { controlItem } from './group-control-item.js';
import { type GroupState, memberOf } from './group-state.js';

/** The 1:1 control items carrying `signed` (which took `base` to `next`), one per recipient, and one for our other devices. */
export function changeItems(
  signed: SignedGroupChange,
  base: GroupState | undefined,
  next: GroupState,
  self: string,
  now: number,
): OutboxItem[] {
  const change = encodeSignedGroupChange(signed);
  const welcome = base && signed.change.type === 'add' ? encodeGroupState(base) : undefined;
  const removed = base?.members.filter((m) => !memberOf(next, m.accountId)) ?? [];
  const to = [...next.members, ...removed].map((m) => m.accountId).filter((id) => id !== self);
  // Our own other devices apply it too (sealed only for the siblings of our own signed list).
  return [...to, self].map((id) =>
    controlItem(
      id,
      welcome && !memberOf(base as GroupState, id)
        ? { type: 'welcome', base: welcome, change }
        : { type: 'change', change },
      now,
    ),
  );
}
