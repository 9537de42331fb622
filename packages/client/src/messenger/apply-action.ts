/**
 * A peer's action on earlier messages, applied into the inbox batch. The
 * sender is authenticated (sealed sender and its session), so the checks
 * here are what make "one's own messages only" hold end to end: an edit or a
 * delete may only target a message that same sender wrote — in a 1:1
 * conversation one that came IN from that peer, in a group one that came in
 * FROM that member (never one we or another member wrote); a reaction may
 * target any message of the conversation; a read receipt only our own
 * outgoing messages to them. Anything else is ignored (the envelope is still
 * acked: it was read, it just changes nothing). Our own actions made on
 * another of our devices (1:1 sync transcripts, group actions) are applied
 * by the same rules, mirrored (selfAuthor): only messages we sent.
 */
import type { Content } from '../content/content.js';
import type { ClientEvent } from '../events.js';
import type { MessageRecord } from '../store/types.js';
import { toHex } from '../util.js';
import type { InboxContext } from './inbox.js';

type Row = Omit<MessageRecord, 'seq'>;

/** The id a message is named by in content: ours is the row id, theirs the id inside their content. */
export function contentIdOf(m: Pick<MessageRecord, 'direction' | 'id' | 'contentId'>): string | undefined {
  return m.direction === 'out' ? m.id : m.contentId;
}

/**
 * Finds a message of the conversation by content id, in this batch first
 * (its latest form), then the store. `where` narrows it (to one author's):
 * content ids are chosen by senders, so in a group another member may reuse one.
 */
export async function findByContentId(
  ctx: InboxContext,
  conv: string,
  target: string,
  where: (m: Row) => boolean = () => true,
): Promise<Row | undefined> {
  const match = (m: Row) => m.conversationId === conv && contentIdOf(m) === target && where(m);
  const puts = ctx.batch.putMessages;
  for (let i = puts.length - 1; i >= 0; i--) if (match(puts[i] as Row)) return puts[i];
  const gone = new Set(ctx.batch.deleteMessages); // deleted earlier in this batch: gone
  return (await ctx.store.listMessages(conv, ctx.now)).find((m) => match(m) && !gone.has(m.id));
}

/**
 * Our own message `target` of the conversation: its row id is its content
 * id, so a point lookup (a read receipt names up to 256 of them; reading the
 * whole conversation for each made one receipt cost 256 list reads).
 */
async function findOwn(ctx: InboxContext, conv: string, target: string): Promise<Row | undefined> {
  const own = (m: Row | undefined) => (m?.direction === 'out' && m.conversationId === conv ? m : undefined);
  const puts = ctx.batch.putMessages;
  for (let i = puts.length - 1; i >= 0; i--) if ((puts[i] as Row).id === target) return own(puts[i]);
  if (ctx.batch.deleteMessages.includes(target)) return undefined;
  const m = await ctx.store.getMessage(target);
  // Past its deadline but not yet reaped: gone, as listMessages has it.
  if (m?.expiresAt != null && m.expiresAt <= ctx.now) return undefined;
  return own(m);
}

function put(ctx: InboxContext, m: Row, events: ClientEvent[]): void {
  ctx.batch.putMessages.push(m);
  events.push({ type: 'updated', message: { ...m, seq: 0 } });
}

type Reactions = NonNullable<MessageRecord['reactions']>;

/** Who sent an action: which messages it may edit or delete, and where its reaction goes. */
export interface ActionAuthor {
  /** Whether the author wrote `m` (edits and deletes touch only those). */
  wrote(m: Row): boolean;
  /** The reactions after the author's reaction `emoji` ('' takes it back). */
  react(r: Reactions, emoji: string): Reactions;
}

/** The peer of a 1:1 conversation: wrote what came in; one reaction, "theirs". */
const peerAuthor: ActionAuthor = {
  wrote: (m) => m.direction === 'in',
  react: ({ theirs: _, ...rest }, emoji) => (emoji ? { ...rest, theirs: emoji } : rest),
};

/** A group member: wrote what came in from them; their reaction is kept under their account id. */
export function memberAuthor(accountId: string): ActionAuthor {
  return {
    wrote: (m) => m.direction === 'in' && m.from === accountId,
    react: (r, emoji) => {
      const { [accountId]: _, ...others } = r.members ?? {};
      const members = emoji ? { ...others, [accountId]: emoji } : others;
      const { members: __, ...rest } = r;
      return Object.keys(members).length > 0 ? { ...rest, members } : rest;
    },
  };
}

/** Us, on this device or another of ours: wrote what we sent; the reaction is ours. */
export const selfAuthor: ActionAuthor = {
  wrote: (m) => m.direction === 'out',
  react: ({ mine: _, ...rest }, emoji) => (emoji ? { ...rest, mine: emoji } : rest),
};

/**
 * A reaction, edit or delete by `author` on a message of conversation
 * `conv` (1:1 or a group's), staged in the batch.
 */
export async function applyMessageAction(
  ctx: InboxContext,
  conv: string,
  author: ActionAuthor,
  content: Content & { kind: 'action' },
): Promise<ClientEvent[]> {
  const events: ClientEvent[] = [];
  const a = content.action;
  if (a.type === 'read') return events;
  const target = toHex(a.target);
  if (a.type === 'reaction') {
    const m = await findByContentId(ctx, conv, target);
    if (m) put(ctx, { ...m, reactions: author.react(m.reactions ?? {}, a.emoji) }, events);
    return events;
  }
  // Edits and deletes: only the author's own messages.
  const m = await findByContentId(ctx, conv, target, (x) => author.wrote(x));
  if (!m) return events;
  if (a.type === 'edit') {
    if (m.kind !== 'text' || (m.editedAt ?? 0) > content.sentAt) return events;
    put(ctx, { ...m, body: a.body, editedAt: content.sentAt }, events);
    return events;
  }
  // Delete for everyone: the row and its key are shredded, as on expiry.
  const puts = ctx.batch.putMessages;
  for (let i = puts.length - 1; i >= 0; i--) if ((puts[i] as Row).id === m.id) puts.splice(i, 1);
  ctx.batch.deleteMessages.push(m.id);
  events.push({ type: 'expired', ids: [m.id] });
  return events;
}

/**
 * An action in 1:1 conversation `conv` (the peer's account id): from the
 * peer (default), or ours from another of our devices (selfAuthor). Read
 * receipts mark our messages read; our own devices sync what was displayed
 * instead (sync.ts displayedDeadlines), so theirs change nothing.
 */
export async function applyAction(
  ctx: InboxContext,
  conv: string,
  content: Content & { kind: 'action' },
  author: ActionAuthor = peerAuthor,
): Promise<ClientEvent[]> {
  const a = content.action;
  if (a.type !== 'read') return applyMessageAction(ctx, conv, author, content);
  const events: ClientEvent[] = [];
  if (author !== peerAuthor) return events;
  for (const t of a.targets) {
    const m = await findOwn(ctx, conv, toHex(t));
    if (m && m.status !== 'read') put(ctx, { ...m, status: 'read' }, events);
  }
  return events;
}
