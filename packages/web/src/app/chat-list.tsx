/** The list of conversations and the form that adds a contact by id. */
import { useState } from 'preact/hooks';
import { ErrorNote } from './error-note.js';
import { formatTimer } from './format.js';
import { humanError } from './human-error.js';
import { TimerIcon } from './icons.js';
import { NameField } from './name-field.js';
import type { ChatService, ContactView, GroupView } from './service.js';

/** Props: contacts to list, which one is open, and how to open or add one. */
export interface ChatListProps {
  service: ChatService;
  contacts: readonly ContactView[];
  /** Groups, listed after contacts; selected by their conversation id. */
  groups: readonly GroupView[];
  /** Opens the "New group" dialog. */
  onNewGroup: () => void;
  selected: string | null;
  /** Unread incoming messages per conversation. */
  unread: ReadonlyMap<string, number>;
  onSelect: (id: string) => void;
}

function AddContact({ service, onAdded }: { service: ChatService; onAdded: (id: string) => void }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await service.addContact(id.trim(), name.trim());
      onAdded(id.trim());
      setId('');
      setName('');
    } catch (err) {
      setError(humanError(err));
    }
  };
  return (
    <form class="add-contact" onSubmit={submit} aria-label="Add a contact">
      <label>
        Their id
        <input
          name="contact-id"
          required
          value={id}
          onInput={(e) => setId(e.currentTarget.value)}
          spellcheck={false}
        />
      </label>
      <NameField label="Name (only you see it)" name="contact-name" value={name} onInput={setName} />
      <button type="submit">Add contact</button>
      <ErrorNote error={error} />
    </form>
  );
}

function UnreadBadge({ count = 0 }: { count?: number | undefined }) {
  return count > 0 ? (
    <span class="badge new" data-testid="unread" title="unread messages">
      {count}
      <span class="visually-hidden"> unread</span>
    </span>
  ) : null;
}

/** @example <ChatList service={s} contacts={list} selected={id} onSelect={open} /> */
export function ChatList({
  service,
  contacts,
  groups,
  onNewGroup,
  selected,
  unread,
  onSelect,
}: ChatListProps) {
  return (
    <nav class="chat-list" aria-label="Conversations">
      <ul data-testid="chat-list">
        {contacts.length === 0 && <li class="empty">No contacts yet. Add one by their id below.</li>}
        {contacts.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              aria-current={c.id === selected ? 'page' : undefined}
              onClick={() => onSelect(c.id)}
              data-contact={c.name}
            >
              <span class="name">{c.name}</span>
              <UnreadBadge count={unread.get(c.id)} />
              {c.verified && (
                <span class="badge ok" title="verified">
                  ✓
                </span>
              )}
              {c.claim && (
                <span class="badge danger" title="a new key claims to be them">
                  ?
                </span>
              )}
              {c.identityChanged && (
                <span class="badge danger" title="safety number changed">
                  !
                </span>
              )}
              {c.devicesPaused && (
                <span class="badge danger" title="their devices changed: sending waits for you">
                  !
                </span>
              )}
              <span class="timer" title="disappearing timer">
                <TimerIcon />
                <span class="visually-hidden">disappearing timer </span>
                {formatTimer(c.timerSeconds)}
              </span>
            </button>
          </li>
        ))}
        {groups.map((g) => (
          <li key={g.id}>
            <button
              type="button"
              aria-current={g.conversationId === selected ? 'page' : undefined}
              onClick={() => onSelect(g.conversationId)}
              data-group={g.name}
            >
              <span class="name">{g.name}</span>
              <span class="badge" title="group">
                {g.member ? `group of ${g.members.length}` : 'left'}
              </span>
              <UnreadBadge count={unread.get(g.conversationId)} />
            </button>
          </li>
        ))}
      </ul>
      <button type="button" class="new-group" onClick={onNewGroup}>
        New group
      </button>
      <AddContact service={service} onAdded={onSelect} />
    </nav>
  );
}
