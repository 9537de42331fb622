/**
 * Drawing the chat screen in plain ANSI, top to bottom: a header naming the
 * open conversation, a key-change warning when there is one, the messages
 * (wrapped to the terminal width), a notice line, the status line (always
 * present: connection state and unread counts) and the input line.
 */
import { formatDuration, formatRemaining, type MessageRecord } from '@tacet/client';
import { formatSize } from '../attachments/format-size.js';
import { type ChatConversation, senderName } from './chat-conversation.js';

const ESC = '\x1b[';
const MARK: Record<MessageRecord['status'], string> = {
  pending: '…',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓ read',
  received: '',
};

export type ConnectionView = 'connecting' | 'online' | 'reconnecting';

const CONNECTION_TEXT: Record<ConnectionView, string> = {
  connecting: '○ connecting…',
  online: '● online',
  reconnecting: '✗ offline · reconnecting…',
};

export interface ChatState {
  /** Contacts and groups, for the status line and /contacts. */
  conversations: ChatConversation[];
  /** The open conversation; null when there are no contacts or groups yet. */
  current: ChatConversation | null;
  messages: MessageRecord[];
  /** Unread incoming messages per conversation (its id), shown on the status line. */
  unread: Map<string, number>;
  untrusted: boolean;
  connection: ConnectionView;
  /** One line: the outcome of the last command, or an error. */
  notice: string;
  /** Whether the notice is about the connection (cleared once it is back). */
  noticeIsNetwork: boolean;
  /** Lines printed by /help or /contacts below the messages, until the next line is entered. */
  info: string[];
  input: string;
  /** Incoming messages whose read receipt this session already handled. */
  readReported: Set<string>;
}

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 5);
}

/** Cuts `text` into pieces of at most `width` characters, at line breaks too. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const chars = [...para];
    if (chars.length === 0) out.push('');
    for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  }
  return out;
}

/** Conversation items with the numbers /reply, /react, /edit and /delete use (timer notices have none). */
export function numbered(messages: readonly MessageRecord[]): Array<[MessageRecord, number]> {
  let n = 0;
  return messages.map((m) => [m, m.kind === 'timer' ? 0 : ++n]);
}

/** Message number `n` of the conversation, or undefined. */
export function messageNumbered(messages: readonly MessageRecord[], n: number): MessageRecord | undefined {
  return messages.filter((m) => m.kind !== 'timer')[n - 1];
}

/** The quoted message's opening words, if it is still here. */
function quoteLine(s: ChatState, m: MessageRecord): string[] {
  if (!m.replyTo) return [];
  const q = s.messages.find((x) => (x.direction === 'out' ? x.id : x.contentId) === m.replyTo);
  const who = q ? (q.direction === 'out' ? 'you' : senderName(s.current, q.from)) : '';
  const text = q ? `${who}: ${[...q.body].slice(0, 50).join('')}` : 'a message that is gone';
  return [`     ${ESC}2m↳ replying to ${text.replace(/\n/g, ' ')}${ESC}0m`];
}

function extras(s: ChatState, m: MessageRecord): string {
  const r = m.reactions ?? {};
  // In a group each member's reaction, by the name the group shows them by.
  const members = Object.entries(r.members ?? {}).map(([id, e]) => `${e} ${senderName(s.current, id)}`);
  const reacts = [r.mine ? `${r.mine} you` : '', r.theirs ? `${r.theirs} them` : '', ...members].filter(
    Boolean,
  );
  const edited = m.editedAt !== undefined ? ` ${ESC}2m(edited)${ESC}0m` : '';
  return `${edited}${reacts.length ? ` ${ESC}35m[${reacts.join(', ')}]${ESC}0m` : ''}`;
}

function messageLines(s: ChatState, m: MessageRecord, n: number, now: number, cols: number): string[] {
  const who = m.direction === 'out' ? 'you' : senderName(s.current, m.from);
  if (m.kind === 'timer')
    return [`${ESC}2m— ${who} set the disappearing timer to ${formatDuration(m.timerSeconds)} —${ESC}0m`];
  // The number names the message in /reply, /react, /edit and /delete.
  const num = `${n}`.padStart(3);
  const left = m.expiresAt === null ? '' : ` ${ESC}33m⏱ ${formatRemaining(m.expiresAt - now)}${ESC}0m`;
  const mark = m.direction === 'out' ? ` ${ESC}32m${MARK[m.status]}${ESC}0m` : '';
  const prefix = `${num} ${clock(m.sentAt)} ${who}: `;
  const width = Math.max(10, cols - prefix.length - 1);
  const file = m.attachment ? `📎 ${m.attachment.fileName} (${formatSize(m.attachment.size)})` : '';
  const pieces = wrap(file && m.body ? `${file} ${m.body}` : file || m.body, width);
  const lines = pieces.map((p, i) =>
    i === 0
      ? `${ESC}2m${num} ${clock(m.sentAt)}${ESC}0m ${ESC}1m${who}:${ESC}0m ${p}`
      : `${' '.repeat(prefix.length)}${p}`,
  );
  lines[lines.length - 1] += `${extras(s, m)}${mark}${left}`;
  return [...quoteLine(s, m), ...lines];
}

/** The status line: connection state first, then who has unread messages. */
export function statusLine(s: ChatState): string {
  const names = new Map(s.conversations.map((c) => [c.id, c.name]));
  const unread = [...s.unread].filter(([, n]) => n > 0).map(([id, n]) => `${names.get(id) ?? id} ${n}`);
  const tail = unread.length > 0 ? ` · unread: ${unread.join(', ')}` : '';
  return ` ${CONNECTION_TEXT[s.connection]}${tail} · /help `;
}

export function render(s: ChatState): void {
  const rows = process.stdout.rows || 24;
  const cols = process.stdout.columns || 80;
  const now = Date.now();
  const c = s.current;
  const members = c?.kind === 'group' ? ` · group of ${c.senders.size}` : '';
  const gone = c && !c.member ? ' · you are no longer a member' : '';
  const title = c
    ? `${c.name}${members} · timer ${formatDuration(c.timerSeconds)}${gone}`
    : 'no conversation open';
  const head = `${ESC}7m tacet · ${title} ${ESC}0m`;
  const warn =
    c && s.untrusted
      ? [
          `${ESC}41;97m ⚠ ${c.name}'s safety number has changed. Compare it (tacet safety-number ${c.name}), then type /accept ${ESC}0m`,
        ]
      : [];
  const room = Math.max(1, rows - 4 - warn.length);
  const placeholder = c ? [] : ['no contacts yet: quit and add one with tacet add ID NAME'];
  const all = [
    ...placeholder,
    ...numbered(s.messages).flatMap(([m, n]) => messageLines(s, m, n, now, cols)),
    ...s.info.map((l) => `${ESC}36m${l}${ESC}0m`),
  ];
  const out = [head, ...warn, ...all.slice(-room)];
  while (out.length < rows - 3) out.push('');
  const prompt = c ? `${c.name}> ` : '> ';
  out.push(`${ESC}2m${s.notice}${ESC}0m`, `${ESC}7m${statusLine(s)}${ESC}0m`, `${prompt}${s.input}`);
  process.stdout.write(`${ESC}H${out.map((l) => `${l}${ESC}K`).join('\r\n')}`);
}
