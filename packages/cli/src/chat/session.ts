/**
 * One full-screen chat session for every conversation, unlocked once: the
 * open conversation on screen, the others counted on the status line as
 * their messages arrive. Typed lines go through parseLine (commands.ts);
 * sends run in the background so a message waiting for the server never
 * blocks the keyboard or /quit. An incoming message's countdown starts when
 * it is drawn, so only the open conversation's messages start theirs.
 * A group opens like a contact (chat-conversation.ts), with sender names.
 */
import {
  ClientError,
  type ClientEvent,
  formatDuration,
  parseDuration,
  type TacetClient,
} from '@tacet/client';
import { CliError } from '../cli-error.js';
import {
  type ChatConversation,
  conversationMessages,
  findConversation,
  isUntrusted,
  listConversations,
  reread,
  sendText,
  setConversationTimer,
} from './chat-conversation.js';
import { type ChatCommand, HELP, parseLine } from './commands.js';
import { performMessageCommand } from './message-actions.js';
import { type ChatState, render } from './render.js';
import { sendChatFile } from './send-file.js';
import { takeTerminal } from './terminal.js';

function newState(conversations: ChatConversation[], current: ChatConversation | null): ChatState {
  return {
    conversations,
    current,
    messages: [],
    unread: new Map(),
    untrusted: false,
    connection: 'connecting',
    notice: 'type a message and press Enter · /help lists the commands',
    noticeIsNetwork: false,
    info: [],
    input: '',
    readReported: new Set(),
  };
}

/** Incoming items not yet displayed count as unread when the session opens. */
async function initialUnread(c: TacetClient, s: ChatState): Promise<void> {
  for (const conv of s.conversations) {
    if (conv.id === s.current?.id) continue;
    const items = await conversationMessages(c, conv);
    const n = items.filter((m) => m.direction === 'in' && m.kind === 'text' && m.expiresAt === null).length;
    if (n > 0) s.unread.set(conv.id, n);
  }
}

/** Re-reads the open conversation and draws it; items drawn for the first time start their countdown. */
async function reload(c: TacetClient, s: ChatState): Promise<void> {
  s.conversations = await listConversations(c);
  const open = s.current;
  if (!open) return render(s);
  s.current = await reread(c, open);
  s.messages = await conversationMessages(c, open);
  s.untrusted = await isUntrusted(c, open);
  render(s);
  // Read receipts (sent only if turned on): once per message per session; not yet in groups.
  const unreported = s.messages.filter((m) => m.direction === 'in' && !s.readReported.has(m.id));
  for (const m of unreported) s.readReported.add(m.id);
  if (unreported.length > 0 && open.kind === 'contact')
    void c.markRead(unreported.map((m) => m.id)).catch(() => undefined);
  const unseen = s.messages.filter((m) => m.direction === 'in' && m.expiresAt === null && m.timerSeconds > 0);
  if (unseen.length === 0) return;
  await c.markDisplayed(unseen.map((m) => m.id));
  s.messages = await conversationMessages(c, open);
  render(s);
}

function say(s: ChatState, notice: string, network = false): void {
  s.notice = notice;
  s.noticeIsNetwork = network;
}

function sendInBackground(
  c: TacetClient,
  s: ChatState,
  to: ChatConversation,
  text: string,
  redraw: () => void,
) {
  const elsewhere = to.id !== s.current?.id;
  sendText(c, to, text).then(
    () => {
      if (elsewhere) say(s, `sent to ${to.name} ✓`);
      redraw();
    },
    (e: Error) => {
      const network = e instanceof ClientError && (e.is('ServerUnreachable') || e.is('Timeout'));
      say(s, e.message, network);
      redraw();
    },
  );
}

function sendFileInBackground(
  c: TacetClient,
  s: ChatState,
  to: ChatConversation,
  path: string,
  redraw: () => void,
) {
  sendChatFile(c, to, path, (notice) => {
    say(s, notice);
    redraw();
  }).catch((e: Error) => {
    say(s, e.message, e instanceof ClientError && (e.is('ServerUnreachable') || e.is('Timeout')));
    redraw();
  });
}

async function contactsInfo(c: TacetClient, s: ChatState): Promise<string[]> {
  if (s.conversations.length === 0) return ['no contacts yet; add one with: tacet add ID NAME'];
  const lines: string[] = [];
  for (const k of s.conversations) {
    const n = s.unread.get(k.id) ?? 0;
    const open = k.id === s.current?.id ? ' (open)' : '';
    const group = k.kind === 'group' ? ` · group of ${k.senders.size}` : '';
    const flag = (await isUntrusted(c, k)) ? ' · SAFETY NUMBER CHANGED' : '';
    lines.push(
      `${k.name}${open}${group} · timer ${formatDuration(k.timerSeconds)}${n ? ` · ${n} unread` : ''}${flag}`,
    );
  }
  return lines;
}

/** Carries out one entered line (quit is handled before this, at the keyboard). */
async function perform(c: TacetClient, s: ChatState, cmd: ChatCommand, redraw: () => void): Promise<void> {
  s.info = [];
  switch (cmd.kind) {
    case 'none':
    case 'quit':
      return;
    case 'refused':
      return say(s, cmd.message);
    case 'help':
      s.info = [...HELP];
      return say(s, '');
    case 'contacts':
      s.info = await contactsInfo(c, s);
      return say(s, '');
    case 'switch': {
      const to = await findConversation(c, cmd.to);
      s.current = to;
      s.unread.delete(to.id);
      s.messages = [];
      return say(s, to.kind === 'group' ? `group ${to.name}` : `conversation with ${to.name}`);
    }
    case 'accept': {
      if (!s.current) return say(s, 'no conversation open; /switch name first');
      if (s.current.kind === 'group')
        return say(s, "/accept works in the member's own conversation: /switch to them first");
      // A verified contact's changed devices, looked at: sending resumes.
      if (await c.acceptDevices(s.current.ref)) return say(s, `accepted ${s.current.name}'s changed devices`);
      try {
        await c.acceptIdentity(s.current.ref);
      } catch (e) {
        // A verified contact's new key needs `tacet verify`: the error says how.
        if (e instanceof ClientError && e.is('UntrustedIdentity')) return say(s, e.message);
        throw e;
      }
      s.untrusted = false;
      return say(s, `accepted ${s.current.name}'s new safety number`);
    }
    case 'timer': {
      if (!s.current) return say(s, 'no conversation open; /switch name first');
      const seconds = parseDuration(cmd.duration);
      await setConversationTimer(c, s.current, seconds);
      return say(s, `timer set to ${formatDuration(seconds)}`);
    }
    case 'file': {
      if (!s.current) return say(s, 'no conversation open; /switch name first');
      sendFileInBackground(c, s, s.current, cmd.path, redraw);
      return say(s, `sending ${cmd.path}…`);
    }
    case 'reply':
    case 'react':
    case 'edit':
    case 'delete':
    case 'receipts':
      return say(s, await performMessageCommand(c, s, cmd, (n) => say(s, n), redraw));
    case 'send': {
      const to = cmd.to === undefined ? s.current : await findConversation(c, cmd.to);
      if (!to) return say(s, 'no conversation open; /switch name or @name text');
      sendInBackground(c, s, to, cmd.text, redraw);
      return say(s, '');
    }
  }
}

/**
 * The conversation `tacet chat NAME` opens. A name unknown here may be a
 * group whose invitation is still queued on the server: take the queue, then
 * look again.
 */
async function openFirst(c: TacetClient, first: string): Promise<ChatConversation> {
  try {
    return await findConversation(c, first);
  } catch (e) {
    if (!(e instanceof ClientError && e.is('UnknownContact'))) throw e;
    await c
      .connect()
      .then(() => c.waitForDrain())
      .catch(() => undefined);
    return findConversation(c, first);
  }
}

/** Runs the session until /quit or Ctrl-C; `first` names the conversation to open (default: the first contact). */
export async function runChatSession(c: TacetClient, first?: string): Promise<void> {
  if (!process.stdin.isTTY)
    throw new CliError('tacet chat needs a terminal; use send and receive in scripts', 2);
  const conversations = await listConversations(c);
  const current = first !== undefined ? await openFirst(c, first) : (conversations[0] ?? null);
  const s = newState(conversations, current);
  await initialUnread(c, s);

  let busy = Promise.resolve();
  const refresh = () => {
    busy = busy.then(() => reload(c, s)).catch((e: Error) => say(s, e.message));
  };
  const off = c.on((e: ClientEvent) => {
    if (e.type === 'connection') {
      s.connection = e.state === 'open' ? 'online' : 'reconnecting';
      if (e.state === 'open' && s.noticeIsNetwork) say(s, '');
    }
    if (e.type === 'error') say(s, e.error.message);
    if (e.type === 'message' && e.message.direction === 'in' && e.message.kind !== 'timer') {
      const from = e.message.conversationId;
      if (from !== s.current?.id) s.unread.set(from, (s.unread.get(from) ?? 0) + 1);
    }
    if (e.type === 'group-changed' && e.by !== c.accountId)
      say(s, `${e.group.name}: ${e.change} by ${e.byName}`);
    if (e.type === 'group-warning') say(s, `${e.name}: ${e.detail}`);
    if (e.type === 'devices-changed')
      say(
        s,
        `${e.contact.name}'s devices changed (now ${e.devices.length})` +
          (e.paused ? `; sending waits until you check with them and type /accept` : ''),
      );
    refresh();
  });

  await new Promise<void>((done) => {
    const quit = () => {
      clearInterval(ticker);
      off();
      term.leave();
      done();
    };
    const term = takeTerminal((str, key) => {
      if (key.ctrl && (key.name === 'c' || key.name === 'd')) return quit();
      if (key.name === 'return' || key.name === 'enter') {
        const cmd = parseLine(s.input);
        s.input = '';
        if (cmd.kind === 'quit') return quit();
        busy = busy.then(() => perform(c, s, cmd, refresh)).catch((e: Error) => say(s, e.message));
        refresh();
      } else if (key.name === 'backspace') s.input = [...s.input].slice(0, -1).join('');
      else if (str && !key.ctrl && str >= ' ') s.input += str;
      render(s);
    });
    const ticker = setInterval(() => render(s), 1000);
    refresh();
    // Already open when openFirst took the queue: no 'connection' event comes then.
    c.connect().then(
      () => {
        s.connection = 'online';
        render(s);
      },
      (e: Error) => {
        say(s, `${e.message} (retrying)`, true);
        s.connection = 'reconnecting';
        render(s);
      },
    );
  });
}
