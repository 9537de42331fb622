/**
 * A peer's action on earlier messages, applied into the inbox batch. The
 * sender is the authenticated peer of this 1:1 conversation, so the checks
 * here are what make "one's own messages only" hold end to end: an edit or a
 * delete may only target a message that came IN from that same peer, never
 * one we wrote; a reaction may target any message of the conversation; a
 * read receipt only our own outgoing messages to them. Anything else is
 * ignored (the envelope is still acked: it was read, it just changes nothing).
 * Our own actions made on another of our devices come as sync transcripts
 * and are applied here by the same rules, mirrored (author 'self').
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

/** Finds a message of the conversation by content id, in this batch first (its latest form), then the store. */
export async function findByContentId(
  ctx: InboxContext,
  conv: string,
  target: string,
): Promise<Row | undefined> {
  const puts = ctx.batch.putMessages;
  for (let i = puts.length - 1; i >= 0; i--) {
    const m = puts[i] as Row;
    if (m.conversationId === conv && contentIdOf(m) === target) return m;
  }
  if (ctx.batch.deleteMessages.length > 0) {
    // Deleted earlier in this batch: gone.
    const gone = new Set(ctx.batch.deleteMessages);
    const all = await ctx.store.listMessages(conv, ctx.now);
    return all.find((m) => contentIdOf(m) === target && !gone.has(m.id));
  }
  return (await ctx.store.listMessages(conv, ctx.now)).find((m) => contentIdOf(m) === target);
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

/**
 * Whose action it is: the peer's (edits and deletes of messages that came IN
 * from them, their reaction slot) or ours from another of our devices, synced
 * (edits and deletes of messages we sent, our reaction slot).
 */
export type ActionAuthor = 'peer' | 'self';

export async function applyAction(
  ctx: InboxContext,
  /** The 1:1 conversation (the peer's account id). */
  conv: string,
  content: Content & { kind: 'action' },
  author: ActionAuthor = 'peer',
): Promise<ClientEvent[]> {
  const events: ClientEvent[] = [];
  const a = content.action;
  if (a.type === 'read') {
    // Our own devices sync what was displayed, not read receipts (sync.ts displayedDeadlines).
    if (author === 'self') return events;
    for (const t of a.targets) {
      const m = await findOwn(ctx, conv, toHex(t));
      if (m && m.status !== 'read') put(ctx, { ...m, status: 'read' }, events);
    }
    return events;
  }
  const m = await findByContentId(ctx, conv, toHex(a.target));
  if (!m) return events;
  if (a.type === 'reaction') {
    const slot = author === 'peer' ? 'theirs' : 'mine';
    const { [slot]: _, ...rest } = m.reactions ?? {};
    put(ctx, { ...m, reactions: a.emoji ? { ...rest, [slot]: a.emoji } : rest }, events);
    return events;
  }
  // Edits and deletes: only the author's own messages — from the peer: ones that came in; ours: ones we sent.
  if (m.direction !== (author === 'peer' ? 'in' : 'out')) return events;
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
