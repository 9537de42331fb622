/**
 * Unread counts: an incoming message counts while its conversation is not
 * the open one or the tab is hidden; opening the conversation (with the tab
 * visible) clears it. The total shows in the tab title, "(3) tacet", and
 * each arrival is announced as the settings allow (notify.ts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Arrival, announce } from './notify.js';
import type { ChatService, ContactView, GroupView } from './service.js';
import type { Settings } from './settings.js';

const TITLE = 'tacet';

/**
 * Names for a notification: a group message names its group and sender (a
 * contact's name, else the name the group lists, else the account id); a 1:1
 * message its contact.
 */
function arrivalOf(
  conversationId: string,
  from: string | undefined,
  { contacts, groups }: { contacts: readonly ContactView[]; groups: readonly GroupView[] },
): Arrival {
  const contactName = (id: string) => contacts.find((c) => c.id === id)?.name;
  const group = groups.find((g) => g.conversationId === conversationId);
  if (!group) return { from: contactName(conversationId) ?? 'someone' };
  const sender =
    from === undefined
      ? 'someone'
      : (contactName(from) ?? group.members.find((m) => m.accountId === from)?.name ?? from);
  return { from: sender, group: group.name };
}

export function useUnread(
  service: ChatService,
  selected: string | null,
  contacts: readonly ContactView[],
  groups: readonly GroupView[],
  settings: Settings,
): ReadonlyMap<string, number> {
  const [unread, setUnread] = useState<ReadonlyMap<string, number>>(new Map());
  // The listener reads the latest names and settings without resubscribing.
  const latest = useRef({ contacts, groups, settings, selected });
  latest.current = { contacts, groups, settings, selected };

  useEffect(
    () =>
      service.subscribe((e) => {
        if (e.type !== 'messages' || !e.arrived) return;
        const { selected: open, settings: prefs } = latest.current;
        const hidden = document.visibilityState !== 'visible';
        if (e.contactId === open && !hidden) return;
        setUnread((u) => new Map(u).set(e.contactId, (u.get(e.contactId) ?? 0) + 1));
        announce(prefs, arrivalOf(e.contactId, e.from, latest.current));
      }),
    [service],
  );
  useEffect(() => {
    const clearOpen = () => {
      const open = latest.current.selected;
      if (!open || document.visibilityState !== 'visible') return;
      setUnread((u) => {
        if (!u.has(open)) return u;
        const next = new Map(u);
        next.delete(open);
        return next;
      });
    };
    clearOpen();
    document.addEventListener('visibilitychange', clearOpen);
    return () => document.removeEventListener('visibilitychange', clearOpen);
  }, [selected]);
  useEffect(() => {
    const total = [...unread.values()].reduce((a, b) => a + b, 0);
    document.title = total > 0 ? `(${total}) ${TITLE}` : TITLE;
  }, [unread]);
  useEffect(
    () => () => {
      document.title = TITLE;
    },
    [],
  );
  return unread;
}
