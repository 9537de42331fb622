/** One conversation item: text with delivery mark and countdown, or a timer change notice. */
import type { MessageRecord } from '@tacet/client';
import type { ComponentChild, ComponentChildren } from 'preact';
import { AttachmentItem } from '../attachments/attachment-item.js';
import { formatClock, formatRemaining, formatTimer } from './format.js';
import { PendingIcon, TimerIcon } from './icons.js';
import { type NameOf, Quote, Reactions } from './message-extras.js';

const MARKS: Record<MessageRecord['status'], { text: ComponentChild; label: string }> = {
  pending: { text: <PendingIcon />, label: 'sending' },
  sent: { text: '✓', label: 'sent' },
  delivered: { text: '✓✓', label: 'delivered' },
  read: { text: '✓✓', label: 'read' },
  received: { text: '', label: '' },
};

export interface MessageItemProps {
  message: MessageRecord;
  now: number;
  peerName: string;
  /** Group messages from others: who sent it, shown above the text. */
  senderName?: string | undefined;
  /** In a group: members' names, for quotes and reactions. */
  nameOf?: NameOf | undefined;
  openAttachment?: (messageId: string, onProgress: (fraction: number) => void) => Promise<string>;
  /** The message this one replies to: the record, null if it is gone, undefined if not a reply. */
  quoted?: MessageRecord | null;
  /** Reply, react, edit, delete (message-extras.tsx). */
  actions?: ComponentChildren;
}

/** @example <MessageItem message={m} now={now} peerName="Bob" /> */
export function MessageItem({
  message: m,
  now,
  peerName,
  senderName,
  nameOf,
  openAttachment,
  quoted,
  actions,
}: MessageItemProps) {
  // `now` ticks once a second, so a just-started countdown could read one second over its timer.
  const left = m.expiresAt === null ? null : Math.min(m.expiresAt - now, m.timerSeconds * 1000);
  const countdown =
    left === null ? null : (
      <span class="countdown" title="disappears in" data-testid="countdown">
        <TimerIcon />
        <span class="visually-hidden">disappears in </span>
        {formatRemaining(left)}
      </span>
    );
  if (m.kind === 'timer') {
    const who = m.direction === 'out' ? 'You' : (senderName ?? peerName);
    return (
      <li class="notice" data-message-id={m.id}>
        {who} set disappearing messages to {formatTimer(m.timerSeconds)}. {countdown}
      </li>
    );
  }
  const mark = m.direction === 'out' ? MARKS[m.status] : null;
  return (
    <li class={`message ${m.direction}`} data-message-id={m.id}>
      {m.attachment && openAttachment && (
        <AttachmentItem messageId={m.id} pointer={m.attachment} open={openAttachment} />
      )}
      {senderName !== undefined && (
        <p class="sender" data-testid="sender">
          {senderName}
        </p>
      )}
      {quoted !== undefined && <Quote quoted={quoted} peerName={peerName} nameOf={nameOf} />}
      {m.body && <p class="body">{m.body}</p>}
      <p class="meta">
        <time dateTime={new Date(m.sentAt).toISOString()}>{formatClock(m.sentAt)}</time>
        {m.editedAt !== undefined && <span class="edited">edited</span>}
        {countdown}
        {mark && (
          <span class={`mark ${m.status}`} title={mark.label} data-testid="mark" data-status={m.status}>
            <span aria-hidden="true">{mark.text}</span>
            <span class="visually-hidden">{mark.label}</span>
          </span>
        )}
      </p>
      <Reactions message={m} peerName={peerName} nameOf={nameOf} />
      {actions}
    </li>
  );
}
