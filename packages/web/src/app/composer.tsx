/**
 * The message composer: a text area that grows with its text. Enter sends,
 * Shift+Enter breaks the line. The whole protocol limit (16,384 characters)
 * is allowed; a counter appears near it, and beyond it sending is refused
 * with a clear reason. Nothing is ever cut silently.
 */
import { MAX_TEXT_LENGTH, type MessageRecord } from '@tacet/client';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { humanError } from './human-error.js';
import type { ChatService } from './service.js';

/** The counter shows once this many characters are left. */
const COUNTER_FROM = 1_000;
const fmt = (n: number) => n.toLocaleString('en');

export interface ComposerProps {
  service: ChatService;
  /** Who the message goes to: a contact's or a group's name. */
  name: string;
  /** Why sending is paused (a changed safety number, no longer in the group); absent while it may go. */
  paused?: string | undefined;
  /** Sends a new message (`replyTo`: the local id it quotes); edits go through the service. */
  send: (text: string, replyTo?: string) => Promise<void>;
  /** Shown before the send button (the attach button and upload progress). */
  extra?: ComponentChildren;
  /** The message being replied to, shown above the box until sent or cancelled. */
  replyTo?: MessageRecord | null;
  /** Our own message being edited: the box holds its text and Enter saves it. */
  editing?: MessageRecord | null;
  /** Reply or edit finished or cancelled. */
  onDone?: () => void;
}

/** @example <Composer service={s} name={c.name} send={(t, r) => s.send(c.id, t, r)} /> */
export function Composer({ service, name, paused, send, extra, replyTo, editing, onDone }: ComposerProps) {
  const [text, setText] = useState('');
  // A layout effect, not a plain one: the box must hold the message's text in the same frame as
  // the "Editing" banner. With a plain effect the text landed a render later, after anything
  // typed in between, so typing at once produced "old textnew text" (or the old text alone).
  useLayoutEffect(() => {
    if (editing) setText(editing.body);
  }, [editing?.id]);
  const [error, setError] = useState<string | null>(null);
  const length = text.length;
  const over = length > MAX_TEXT_LENGTH;
  const blocked = paused !== undefined || over;

  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (!text.trim() || blocked) return;
    setError(null);
    // Cleared at once, not after the server's ack: what is typed meanwhile must not be wiped.
    const sending = text;
    setText('');
    const quoting = replyTo?.id;
    const edited = editing?.id;
    onDone?.();
    try {
      if (edited) await service.edit(edited, sending);
      else await send(sending, quoting);
    } catch (err) {
      setError(humanError(err));
      setText((now) => (now === '' ? sending : now));
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <form class="composer" onSubmit={submit}>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {over && (
        <p class="error" role="alert" data-testid="too-long">
          This message is {fmt(length)} characters long; one message can hold at most {fmt(MAX_TEXT_LENGTH)}.
          Shorten it by {fmt(length - MAX_TEXT_LENGTH)} or send it in parts.
        </p>
      )}
      {(replyTo || editing) && (
        <p class="composing" data-testid="composing">
          {editing
            ? 'Editing your message'
            : `Replying to: ${[...(replyTo?.body ?? '')].slice(0, 80).join('')}`}{' '}
          <button
            type="button"
            onClick={() => {
              if (editing) setText('');
              onDone?.();
            }}
          >
            Cancel
          </button>
        </p>
      )}
      <label class="visually-hidden" for="composer-input">
        Message to {name}
      </label>
      <textarea
        id="composer-input"
        name="message"
        rows={Math.min(8, text.split('\n').length)}
        autoComplete="off"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        aria-describedby="composer-hint"
        placeholder={paused ?? `Message ${name}`}
      />
      <span id="composer-hint" class="visually-hidden">
        Enter sends; Shift+Enter starts a new line.
      </span>
      {MAX_TEXT_LENGTH - length < COUNTER_FROM && (
        <span class={over ? 'counter over' : 'counter'} data-testid="counter" aria-live="polite">
          {fmt(length)} / {fmt(MAX_TEXT_LENGTH)}
        </span>
      )}
      {extra}
      <button type="submit" disabled={blocked}>
        {editing ? 'Save' : 'Send'}
      </button>
    </form>
  );
}
