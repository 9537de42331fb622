/**
 * What a message carries besides its text: the message it replies to (a
 * quote), reactions (ours and theirs), "edited", and the actions a person
 * may take on it: reply, react, and for their own texts edit and delete for
 * everyone.
 */
import type { MessageRecord } from '@tacet/client';

/** The reactions offered; any single emoji travels, these are the quick ones. */
export const QUICK_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '😮', '😢'];

/** The id the peer names a message by (ours: the row id; theirs: the id in their content). */
export function contentIdOf(m: MessageRecord): string | undefined {
  return m.direction === 'out' ? m.id : m.contentId;
}

/** @example <Quote quoted={m} peerName="bob" /> */
export function Quote({ quoted, peerName }: { quoted: MessageRecord | null; peerName: string }) {
  return (
    <blockquote class="quote" data-testid="quote">
      {quoted ? (
        <>
          <strong>{quoted.direction === 'out' ? 'You' : peerName}</strong>{' '}
          {[...quoted.body].slice(0, 120).join('')}
        </>
      ) : (
        <em>a message that is gone</em>
      )}
    </blockquote>
  );
}

/** @example <Reactions message={m} peerName="bob" /> */
export function Reactions({ message: m, peerName }: { message: MessageRecord; peerName: string }) {
  const r = m.reactions ?? {};
  if (!r.mine && !r.theirs) return null;
  return (
    <p class="reactions" data-testid="reactions">
      {r.mine && <span title="your reaction">{r.mine} you</span>}
      {r.theirs && (
        <span title={`${peerName}’s reaction`}>
          {r.theirs} {peerName}
        </span>
      )}
    </p>
  );
}

export interface MessageActionsProps {
  message: MessageRecord;
  onReply: (m: MessageRecord) => void;
  onReact: (m: MessageRecord, emoji: string) => void;
  onEdit: (m: MessageRecord) => void;
  onDelete: (m: MessageRecord) => void;
}

/** @example <MessageActions message={m} onReply={…} onReact={…} onEdit={…} onDelete={…} /> */
export function MessageActions({ message: m, onReply, onReact, onEdit, onDelete }: MessageActionsProps) {
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
    </fieldset>
  );
}
