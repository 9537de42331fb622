/**
 * Reply, react, edit and delete for everyone on a conversation's messages,
 * 1:1 or group alike: the actions under each message, and the message being
 * replied to or edited that the composer shows.
 */
import type { MessageRecord } from '@tacet/client';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { MessageActions } from './message-extras.js';
import type { ChatService } from './service.js';

export interface MessageActionsState {
  replyTo: MessageRecord | null;
  editing: MessageRecord | null;
  /** The composer sent or cancelled the reply or edit. */
  done: () => void;
  /** The actions under message `m` (none under a timer notice); `more`: the conversation's own buttons. */
  actionsFor: (m: MessageRecord, more?: ComponentChildren) => ComponentChildren;
}

/** @example const acts = useMessageActions(service); … extras={(m) => ({ actions: acts.actionsFor(m) })} */
export function useMessageActions(service: ChatService): MessageActionsState {
  const [replyTo, setReplyTo] = useState<MessageRecord | null>(null);
  const [editing, setEditing] = useState<MessageRecord | null>(null);
  const actionsFor = (m: MessageRecord, more?: ComponentChildren) =>
    m.kind === 'timer' ? undefined : (
      <MessageActions
        message={m}
        onReply={(x) => {
          setEditing(null);
          setReplyTo(x);
        }}
        onReact={(x, emoji) => void service.react(x.id, emoji).catch(() => undefined)}
        onEdit={(x) => {
          setReplyTo(null);
          setEditing(x);
        }}
        onDelete={(x) => {
          if (confirm('Delete this message for everyone? It is shredded here and on every other side.'))
            void service.deleteForEveryone(x.id).catch(() => undefined);
        }}
      >
        {more}
      </MessageActions>
    );
  return {
    replyTo,
    editing,
    actionsFor,
    done: () => {
      setReplyTo(null);
      setEditing(null);
    },
  };
}
