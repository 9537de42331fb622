/**
 * `tacet chat NAME`: a full-screen conversation in plain ANSI. Each message
 * shows its delivery mark and a live countdown; an incoming message's
 * countdown starts when it is drawn. A key change shows a warning and blocks
 * sending until `/accept`. Commands: /timer DURATION, /accept, /quit.
 */
import { emitKeypressEvents } from 'node:readline';
import {
  type ClientEvent,
  type Contact,
  formatDuration,
  formatRemaining,
  type MessageRecord,
  parseDuration,
  type TacetClient,
} from '@tacet/client';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { type GlobalOptions, withClient } from '../session.js';

const ESC = '\x1b[';
const MARK: Record<MessageRecord['status'], string> = {
  pending: '…',
  sent: '✓',
  delivered: '✓✓',
  received: '',
};

interface ChatState {
  contact: Contact;
  messages: MessageRecord[];
  input: string;
  status: string;
  untrusted: boolean;
  online: boolean;
}

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 5);
}

function line(s: ChatState, m: MessageRecord, now: number): string {
  const who = m.direction === 'out' ? 'you' : s.contact.name;
  if (m.kind === 'timer')
    return `${ESC}2m— ${who} set the disappearing timer to ${formatDuration(m.timerSeconds)} —${ESC}0m`;
  const left = m.expiresAt === null ? '' : ` ${ESC}33m⏱ ${formatRemaining(m.expiresAt - now)}${ESC}0m`;
  const mark = m.direction === 'out' ? ` ${ESC}32m${MARK[m.status]}${ESC}0m` : '';
  return `${ESC}2m${clock(m.sentAt)}${ESC}0m ${ESC}1m${who}:${ESC}0m ${m.body}${mark}${left}`;
}

function render(s: ChatState): void {
  const rows = process.stdout.rows || 24;
  const now = Date.now();
  const head = `${ESC}7m tacet · ${s.contact.name} · timer ${formatDuration(s.contact.timerSeconds)} · ${s.online ? 'online' : 'connecting…'} ${ESC}0m`;
  const warn = s.untrusted
    ? [
        `${ESC}41;97m ⚠ ${s.contact.name}'s safety number has changed. Compare it (tacet safety-number ${s.contact.name}), then type /accept ${ESC}0m`,
      ]
    : [];
  const room = Math.max(1, rows - 3 - warn.length);
  const body = s.messages.slice(-room).map((m) => line(s, m, now));
  const out = [head, ...warn, ...body];
  while (out.length < rows - 2) out.push('');
  out.push(`${ESC}2m${s.status}${ESC}0m`, `> ${s.input}`);
  process.stdout.write(`${ESC}H${out.map((l) => `${l}${ESC}K`).join('\r\n')}`);
}

async function submit(c: TacetClient, s: ChatState, text: string, quit: () => void): Promise<void> {
  if (text === '/quit') return quit();
  try {
    if (text === '/accept') {
      await c.acceptIdentity(s.contact.accountId);
      s.untrusted = false;
      s.status = `accepted ${s.contact.name}'s new safety number`;
    } else if (text.startsWith('/timer ')) {
      const seconds = parseDuration(text.slice(7));
      await c.setTimer(s.contact.accountId, seconds);
      s.status = `timer set to ${formatDuration(seconds)}`;
    } else if (text.length > 0) {
      await c.send(s.contact.accountId, text);
      s.status = '';
    }
  } catch (e) {
    s.status = (e as Error).message;
  }
}

/** Re-reads the conversation and draws it; items drawn for the first time start their countdown. */
async function reload(c: TacetClient, s: ChatState): Promise<void> {
  s.contact = (await c.contacts.byId(s.contact.accountId)) ?? s.contact;
  s.messages = await c.messages(s.contact.accountId);
  s.untrusted = await c.isUntrusted(s.contact.accountId);
  render(s);
  const unseen = s.messages.filter((m) => m.direction === 'in' && m.expiresAt === null && m.timerSeconds > 0);
  if (unseen.length === 0) return;
  await c.markDisplayed(unseen.map((m) => m.id));
  s.messages = await c.messages(s.contact.accountId);
  render(s);
}

async function runChat(c: TacetClient, name: string): Promise<void> {
  if (!process.stdin.isTTY)
    throw new CliError('tacet chat needs a terminal; use send and receive in scripts', 2);
  const s: ChatState = {
    contact: await c.contacts.get(name),
    messages: [],
    input: '',
    status: 'type a message and press Enter · /timer 5m · /accept · /quit',
    untrusted: false,
    online: false,
  };
  let busy = Promise.resolve();
  const refresh = () => {
    busy = busy
      .then(() => reload(c, s))
      .catch((e: Error) => {
        s.status = e.message;
      });
  };
  c.on((e: ClientEvent) => {
    if (e.type === 'connection') s.online = e.state === 'open';
    if (e.type === 'error') s.status = e.error.message;
    refresh();
  });
  process.stdout.write(`${ESC}?1049h${ESC}2J`);
  emitKeypressEvents(process.stdin);
  process.stdin.setRawMode(true);
  const ticker = setInterval(() => render(s), 1000);
  refresh();
  c.connect().catch((e: Error) => {
    s.status = `${e.message} (retrying)`;
  });
  await new Promise<void>((done) => {
    const quit = () => {
      clearInterval(ticker);
      process.stdin.off('keypress', onKey);
      process.stdin.setRawMode(false);
      process.stdin.pause();
      process.stdout.write(`${ESC}?1049l`);
      done();
    };
    const onKey = (str: string | undefined, key: { name?: string; ctrl?: boolean }) => {
      if (key.ctrl && (key.name === 'c' || key.name === 'd')) return quit();
      if (key.name === 'return' || key.name === 'enter') {
        const text = s.input.trim();
        s.input = '';
        busy = busy.then(() => submit(c, s, text, quit));
        refresh();
      } else if (key.name === 'backspace') s.input = s.input.slice(0, -1);
      else if (str && !key.ctrl && str >= ' ') s.input += str;
      render(s);
    };
    process.stdin.on('keypress', onKey);
    process.stdin.resume();
  });
}

export function registerChatCommand(program: Command, g: () => GlobalOptions): void {
  program
    .command('chat')
    .description('full-screen chat with a contact')
    .argument('<name>')
    .action(async (name: string) => {
      await withClient(g(), (c) => runChat(c, name));
    });
}
