/**
 * What every conversation screen (1:1 or group) does with its messages: load
 * them again when they change, drop expired ones as the clock ticks, start
 * the countdown of incoming ones while the page is visible, and keep the
 * newest in view.
 */
import type { MessageRecord } from '@tacet/client';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatService } from './service.js';
import { useNow } from './use-now.js';
import { useReloading } from './use-reloading.js';

export function useVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/** A conversation's live messages; `conversationId` is the one service events name. */
export interface Conversation {
  readonly messages: MessageRecord[];
  readonly now: number;
  readonly visible: boolean;
  /** The list element, scrolled to its newest item when one arrives. */
  readonly list: RefObject<HTMLOListElement>;
}

/** @example const { messages, now, list } = useConversation(service, id, () => service.listMessages(id)) */
export function useConversation(
  service: ChatService,
  conversationId: string,
  load: () => Promise<MessageRecord[]>,
): Conversation {
  const now = useNow();
  const all = useReloading<MessageRecord[]>(
    [],
    load,
    (reload) =>
      service.subscribe((e) => {
        if (e.type === 'messages' && (e.contactId === conversationId || e.contactId === '*')) reload();
      }),
    [service, conversationId],
  );
  const messages = all.filter((m) => m.expiresAt === null || m.expiresAt > now);
  const list = useRef<HTMLOListElement>(null);
  const visible = useVisible();
  const unseen = messages.filter((m) => m.direction === 'in' && m.expiresAt === null && m.timerSeconds > 0);
  const unseenKey = unseen.map((m) => m.id).join();
  // A message counts as displayed (its countdown starts) only while the page is actually visible.
  useEffect(() => {
    if (unseen.length === 0 || !visible) return;
    service
      .markDisplayed(
        conversationId,
        unseen.map((m) => m.id),
      )
      .catch(() => undefined);
  }, [unseenKey, visible]);
  useEffect(() => list.current?.lastElementChild?.scrollIntoView({ block: 'end' }), [messages.length]);
  return { messages, now, visible, list };
}
