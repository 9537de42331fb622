/**
 * One conversation: header (timer setting, safety number), the key-change
 * and changed-devices warnings, the messages with live countdowns, and the composer. Incoming
 * messages start their countdown when this view shows them.
 */
import type { MessageRecord } from '@tacet/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { AttachButton, dropHandlers, SendingStatus, useFileSending } from '../attachments/attach-button.js';
import { ChatHeader } from './chat-header.js';
import { Composer } from './composer.js';
import { ContactActions } from './contact-actions.js';
import { DeviceNotices } from './device-notices.js';
import { contentIdOf } from './message-extras.js';
import { MessageLog } from './message-log.js';
import { SafetyDialog } from './safety-dialog.js';
import type { ChatService, ContactView } from './service.js';
import { useConversation } from './use-conversation.js';
import { useMessageActions } from './use-message-actions.js';

/** Incoming messages on a visible screen are read: tell the service once per message (it sends only if turned on). */
function useReadReceipts(service: ChatService, messages: readonly MessageRecord[], visible: boolean): void {
  const reported = useRef(new Set<string>());
  const fresh = messages.filter((m) => m.direction === 'in' && !reported.current.has(m.id));
  const key = fresh.map((m) => m.id).join();
  useEffect(() => {
    if (!visible || fresh.length === 0) return;
    for (const m of fresh) reported.current.add(m.id);
    service.markRead(fresh.map((m) => m.id)).catch(() => undefined);
  }, [key, visible]);
}

/** Props: the service and the open contact. */
export interface ChatViewProps {
  service: ChatService;
  contact: ContactView;
}

function KeyChangeWarning({ service, contact, onCompare }: ChatViewProps & { onCompare: () => void }) {
  if (contact.wasVerified) {
    // Nothing goes to a verified contact's new key until it is verified in turn.
    return (
      <section class="banner danger" role="alert" data-testid="key-change">
        <p>
          <strong>{contact.name}’s safety number has changed.</strong> You verified {contact.name} before, so
          sending stays paused until you compare the new safety number with them and mark it verified.
        </p>
        <button type="button" onClick={onCompare}>
          Compare safety numbers
        </button>
      </section>
    );
  }
  return (
    <section class="banner danger" role="alert" data-testid="key-change">
      <p>
        <strong>{contact.name}’s safety number has changed.</strong> They may have reinstalled tacet — or
        someone may be trying to intercept. Sending is paused until you accept the new key; compare the safety
        number first.
      </p>
      <button type="button" onClick={() => service.acceptIdentityChange(contact.id)}>
        Accept the new key
      </button>
    </section>
  );
}

/** "A new key claims to be NAME": its messages are held apart; acceptance only if the directory lists the key. */
function ClaimWarning({ service, contact }: ChatViewProps) {
  const held = contact.claim?.held ?? 0;
  const [error, setError] = useState<string | null>(null);
  const accept = () =>
    service
      .acceptClaim(contact.id)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  return (
    <section class="banner danger" role="alert" data-testid="identity-claim">
      <p>
        <strong>A new key claims to be {contact.name}.</strong> {held}{' '}
        {held === 1 ? 'message is' : 'messages are'} held apart and not shown. It may be {contact.name} on a
        new device — or someone else.
        {contact.claim?.confirmed
          ? ' The server lists this key for them; accept it only if you expected a new key.'
          : ' The server does not list this key for them, so it cannot be accepted.'}
      </p>
      {error && <p class="error">{error}</p>}
      {contact.claim?.confirmed && (
        <button type="button" onClick={accept}>
          Accept the new key
        </button>
      )}
    </section>
  );
}

/** @example <ChatView service={s} contact={c} /> */
export function ChatView({ service, contact, onBack }: ChatViewProps & { onBack?: () => void }) {
  const { messages, now, visible, list } = useConversation(service, contact.id, () =>
    service.listMessages(contact.id),
  );
  const [showSafety, setShowSafety] = useState(false);
  const [dropOver, setDropOver] = useState(false);
  const sending = useFileSending((file, onProgress) => service.sendFile(contact.id, file, onProgress));
  const acts = useMessageActions(service);
  useReadReceipts(service, messages, visible);
  const byContentId = new Map(messages.map((m) => [contentIdOf(m), m]));

  return (
    <section
      class={`chat${dropOver ? ' drop-over' : ''}`}
      aria-label={`Conversation with ${contact.name}`}
      data-testid="drop-zone"
      {...dropHandlers(sending, setDropOver)}
    >
      <ChatHeader
        onBack={onBack}
        name={contact.name}
        badge={contact.verified && <span class="badge ok">✓ verified</span>}
        timer={{ seconds: contact.timerSeconds, onChange: (sec) => service.setTimer(contact.id, sec) }}
      >
        <button type="button" onClick={() => setShowSafety(true)}>
          Safety number
        </button>
        <ContactActions
          service={service}
          contact={contact}
          messageCount={messages.length}
          onDeleted={onBack}
        />
      </ChatHeader>
      {contact.claim && <ClaimWarning service={service} contact={contact} />}
      {contact.identityChanged && (
        <KeyChangeWarning service={service} contact={contact} onCompare={() => setShowSafety(true)} />
      )}
      <DeviceNotices
        service={service}
        contact={contact}
        waiting={messages.filter((m) => m.direction === 'out' && m.status === 'pending').length}
      />
      <MessageLog
        listRef={list}
        messages={messages}
        now={now}
        peerName={contact.name}
        extras={(m) => ({
          openAttachment: (id, onProgress) => service.openAttachment(id, onProgress),
          quoted: m.replyTo === undefined ? undefined : (byContentId.get(m.replyTo) ?? null),
          actions: acts.actionsFor(m),
        })}
      />
      <Composer
        service={service}
        name={contact.name}
        paused={contact.identityChanged ? 'Sending paused: safety number changed' : undefined}
        send={(text, replyTo) => service.send(contact.id, text, replyTo)}
        extra={
          <>
            <SendingStatus sending={sending} />
            <AttachButton sending={sending} disabled={contact.identityChanged} />
          </>
        }
        replyTo={acts.replyTo}
        editing={acts.editing}
        onDone={acts.done}
      />
      {showSafety && (
        <SafetyDialog service={service} contact={contact} onClose={() => setShowSafety(false)} />
      )}
    </section>
  );
}
