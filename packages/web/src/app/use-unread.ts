/**
 * Unread counts: an incoming message counts while its conversation is not
 * the open one or the tab is hidden; opening the conversation (with the tab
 * visible) clears it. The total shows in the tab title, "(3) tacet", and
 * each arrival is announced as the settings allow (notify.ts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { announce } from './notify.js';
import type { ChatService, ContactView } from './service.js';
import type { Settings } from './settings.js';

const TITLE = 'tacet';

export function useUnread(
  service: ChatService,
  selected: string | null,
  contacts: readonly ContactView[],
  settings: Settings,
): ReadonlyMap<string, number> {
  const [unread, setUnread] = useState<ReadonlyMap<string, number>>(new Map());
  // The listener reads the latest names and settings without resubscribing.
  const latest = useRef({ contacts, settings, selected });
  latest.current = { contacts, settings, selected };

  useEffect(
    () =>
      service.subscribe((e) => {
        if (e.type !== 'messages' || !e.arrived) return;
        const { selected: open, contacts: list, settings: prefs } = latest.current;
        const hidden = document.visibilityState !== 'visible';
        if (e.contactId === open && !hidden) return;
        setUnread((u) => new Map(u).set(e.contactId, (u.get(e.contactId) ?? 0) + 1));
        announce(prefs, list.find((c) => c.id === e.contactId)?.name ?? 'someone');
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
