/**
 * A conversation's items in order, announced politely to screen readers as
 * they arrive; `extras` gives each item what its conversation adds (sender,
 * quote, actions).
 */
import type { MessageRecord } from '@tacet/client';
import type { RefObject } from 'preact';
import { MessageItem, type MessageItemProps } from './message-item.js';

export interface MessageLogProps {
  listRef: RefObject<HTMLOListElement>;
  messages: readonly MessageRecord[];
  now: number;
  /** The other side's name: the contact, or the group. */
  peerName: string;
  extras: (m: MessageRecord) => Partial<MessageItemProps>;
}

/** @example <MessageLog listRef={list} messages={ms} now={now} peerName="bob" extras={() => ({})} /> */
export function MessageLog({ listRef, messages, now, peerName, extras }: MessageLogProps) {
  return (
    <ol
      class="messages"
      ref={listRef}
      role="log"
      aria-live="polite"
      aria-relevant="additions"
      data-testid="messages"
    >
      {messages.map((m) => (
        <MessageItem key={m.id} message={m} now={now} peerName={peerName} {...extras(m)} />
      ))}
    </ol>
  );
}
