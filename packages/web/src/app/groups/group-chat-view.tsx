/**
 * A group conversation: the group's name and members button, messages with
 * each sender's name, replies, reactions (each member's), edits and delete
 * for everyone as in a 1:1 chat, a per-member delivery view of our own messages, and the
 * composer (paused once we are no longer a member) with the attach button;
 * files can also be dropped on the conversation, as in a 1:1 chat.
 */
import type { MessageRecord } from '@tacet/client';
import { useState } from 'preact/hooks';
import {
  AttachButton,
  dropHandlers,
  SendingStatus,
  useFileSending,
} from '../../attachments/attach-button.js';
import { ChatHeader } from '../chat-header.js';
import { Composer } from '../composer.js';
import { ErrorNote } from '../error-note.js';
import { humanError } from '../human-error.js';
import { contentIdOf } from '../message-extras.js';
import { MessageLog } from '../message-log.js';
import type { ChatService, ContactView, GroupView } from '../service.js';
import { useConversation } from '../use-conversation.js';
import { useMessageActions } from '../use-message-actions.js';
import { DeliveryDialog } from './delivery-dialog.js';
import { GroupWarnings } from './group-warnings.js';
import { MembersDialog } from './members-dialog.js';

export interface GroupChatViewProps {
  service: ChatService;
  group: GroupView;
  /** Our contacts: people to add, and names of senders the group no longer lists (removed, left). */
  contacts: readonly ContactView[];
  onBack?: () => void;
}

/** @example <GroupChatView service={s} group={g} contacts={contacts} /> */
export function GroupChatView({ service, group, contacts, onBack }: GroupChatViewProps) {
  const { messages, now, list } = useConversation(service, group.conversationId, () =>
    service.listGroupMessages(group.id),
  );
  const [showMembers, setShowMembers] = useState(false);
  const [deliveryOf, setDeliveryOf] = useState<MessageRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dropOver, setDropOver] = useState(false);
  const sending = useFileSending((file, onProgress) => service.sendFileToGroup(group.id, file, onProgress));
  const nameOf = (accountId: string) =>
    group.members.find((x) => x.accountId === accountId)?.name ??
    contacts.find((c) => c.id === accountId)?.name ??
    accountId;
  const senderName = (m: MessageRecord) =>
    m.direction === 'out' || m.from === undefined ? undefined : nameOf(m.from);
  const acts = useMessageActions(service);
  const byContentId = new Map(messages.map((m) => [contentIdOf(m), m]));
  const whoHasIt = (m: MessageRecord) =>
    m.direction === 'out' && (m.kind === 'text' || m.kind === 'attachment') ? (
      <button type="button" class="link" onClick={() => setDeliveryOf(m)}>
        Who has it
      </button>
    ) : undefined;
  return (
    <section
      class={`chat${dropOver ? ' drop-over' : ''}`}
      aria-label={`Group ${group.name}`}
      data-testid="drop-zone"
      {...dropHandlers(sending, setDropOver)}
    >
      <ChatHeader
        onBack={onBack}
        name={group.name}
        badge={
          <span class="members-count">
            {group.members.length} {group.members.length === 1 ? 'member' : 'members'}
          </span>
        }
        timer={{
          seconds: group.timerSeconds,
          disabled: !group.admin || !group.member,
          title: group.admin ? undefined : 'Only an admin of the group can change its timer',
          onChange: (sec) =>
            service.setGroupTimer(group.id, sec).catch((err: unknown) => setError(humanError(err))),
        }}
      >
        <button type="button" onClick={() => setShowMembers(true)}>
          Members
        </button>
      </ChatHeader>
      {!group.member && (
        <section class="banner" role="status" data-testid="not-member">
          <p>You are no longer a member of this group. You receive nothing sent to it any more.</p>
        </section>
      )}
      <GroupWarnings service={service} groupId={group.id} nameOf={nameOf} />
      <ErrorNote error={error} />
      <MessageLog
        listRef={list}
        messages={messages}
        now={now}
        peerName={group.name}
        extras={(m) => ({
          senderName: senderName(m),
          openAttachment: (id, onProgress) => service.openAttachment(id, onProgress),
          nameOf,
          quoted: m.replyTo === undefined ? undefined : (byContentId.get(m.replyTo) ?? null),
          // Once out of the group nothing can be sent to it: only who has our messages is left.
          actions: group.member ? acts.actionsFor(m, whoHasIt(m)) : whoHasIt(m),
        })}
      />
      <Composer
        service={service}
        name={group.name}
        paused={group.member ? undefined : 'You are no longer in this group'}
        send={(text, replyTo) => service.sendToGroup(group.id, text, replyTo)}
        extra={
          <>
            <SendingStatus sending={sending} />
            <AttachButton sending={sending} disabled={!group.member} />
          </>
        }
        replyTo={acts.replyTo}
        editing={acts.editing}
        onDone={acts.done}
      />
      {showMembers && (
        <MembersDialog
          service={service}
          group={group}
          contacts={contacts}
          onClose={() => setShowMembers(false)}
        />
      )}
      {deliveryOf && (
        <DeliveryDialog service={service} message={deliveryOf} onClose={() => setDeliveryOf(null)} />
      )}
    </section>
  );
}
