/**
 * What a message carries besides its text: the message it replies to (a
 * quote), reactions (ours and theirs), "edited", and the actions a person
 * may take on it: reply, react, and for their own texts edit and delete for
 * everyone.
 */
import type { MessageRecord } from '@tacet/client';
import type { ComponentChildren } from 'preact';

/** The reactions offered; any single emoji travels, these are the quick ones. */
export const QUICK_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '😮', '😢'];

/** The id the peer names a message by (ours: the row id; theirs: the id in their content). */
export function contentIdOf(m: MessageRecord): string | undefined {
  return m.direction === 'out' ? m.id : m.contentId;
}

/** A group member's name by account id; absent in a 1:1 conversation, where the other side is `peerName`. */
export type NameOf = (accountId: string) => string;

/** Who wrote `m`: "You", the group member it came from, or the 1:1 peer. */
function authorOf(m: MessageRecord, peerName: string, nameOf?: NameOf): string {
  if (m.direction === 'out') return 'You';
  return m.from !== undefined && nameOf ? nameOf(m.from) : peerName;
}

/** @example <Quote quoted={m} peerName="bob" /> */
export function Quote({
  quoted,
  peerName,
  nameOf,
}: {
  quoted: MessageRecord | null;
  peerName: string;
  nameOf?: NameOf | undefined;
}) {
  return (
    <blockquote class="quote" data-testid="quote">
      {quoted ? (
        <>
          <strong>{authorOf(quoted, peerName, nameOf)}</strong> {[...quoted.body].slice(0, 120).join('')}
        </>
      ) : (
        <em>a message that is gone</em>
      )}
    </blockquote>
  );
}

/** Ours, the 1:1 peer's, and in a group each member's (by name), one emoji each. */
export function Reactions({
  message: m,
  peerName,
  nameOf,
}: {
  message: MessageRecord;
  peerName: string;
  nameOf?: NameOf | undefined;
}) {
  const r = m.reactions ?? {};
  const members = Object.entries(r.members ?? {});
  if (!r.mine && !r.theirs && members.length === 0) return null;
  return (
    <p class="reactions" data-testid="reactions">
      {r.mine && <span title="your reaction">{r.mine} you</span>}
      {r.theirs && (
        <span title={`${peerName}’s reaction`}>
          {r.theirs} {peerName}
        </span>
      )}
      {members.map(([accountId, emoji]) => {
        const name = nameOf ? nameOf(accountId) : accountId;
        return (
          <span key={accountId} title={`${name}’s reaction`}>
            {emoji} {name}
          </span>
        );
      })}
    </p>
  );
}

export interface MessageActionsProps {
  message: MessageRecord;
  onReply: (m: MessageRecord) => void;
  onReact: (m: MessageRecord, emoji: string) => void;
  onEdit: (m: MessageRecord) => void;
  onDelete: (m: MessageRecord) => void;
  /** More of this conversation's buttons (a group's "Who has it"). */
  children?: ComponentChildren;
}

/** @example <MessageActions message={m} onReply={…} onReact={…} onEdit={…} onDelete={…} /> */
export function MessageActions({
  message: m,
  onReply,
  onReact,
  onEdit,
  onDelete,
  children,
}: MessageActionsProps) {
  const own = m.direction === 'out';
  const mine = m.reactions?.mine;
  return (
    <fieldset class="message-actions" aria-label="Message actions">
      <button type="button" onClick={() => onReply(m)}>
        Reply
      </button>
      {QUICK_REACTIONS.map((e) => (
        <button
          type="button"
          key={e}
          aria-pressed={mine === e}
          aria-label={mine === e ? `Take back ${e}` : `React ${e}`}
          onClick={() => onReact(m, mine === e ? '' : e)}
        >
          {e}
        </button>
      ))}
      {own && m.kind === 'text' && (
        <button type="button" onClick={() => onEdit(m)}>
          Edit
        </button>
      )}
      {own && (
        <button type="button" onClick={() => onDelete(m)}>
          Delete for everyone
        </button>
      )}
      {children}
    </fieldset>
  );
}
