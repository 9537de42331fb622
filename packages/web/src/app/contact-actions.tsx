/**
 * Renaming a contact and deleting one. Deleting asks first and shreds the
 * whole conversation (messages and their keys) from this browser.
 */
import { useRef, useState } from 'preact/hooks';
import { Dialog } from './dialog.js';
import { ErrorNote } from './error-note.js';
import { humanError } from './human-error.js';
import { NameField } from './name-field.js';
import type { ChatService, ContactView } from './service.js';

export interface ContactActionsProps {
  service: ChatService;
  contact: ContactView;
  /** How many items the conversation holds (shown while they are shredded). */
  messageCount?: number;
  /** After deleting: leave the conversation. */
  onDeleted?: () => void;
}

function RenameDialog({ service, contact, onClose }: ContactActionsProps & { onClose: () => void }) {
  const [name, setName] = useState(contact.name);
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await service.renameContact(contact.id, name.trim());
      onClose();
    } catch (err) {
      setError(humanError(err));
    }
  };
  return (
    <Dialog title={`Rename ${contact.name}`} onClose={onClose} testId="rename-dialog">
      <form onSubmit={save}>
        <NameField label="New name (only you see it)" name="new-name" value={name} onInput={setName} />
        <button type="submit">Save name</button>
        <ErrorNote error={error} />
      </form>
    </Dialog>
  );
}

function DeleteDialog({
  service,
  contact,
  messageCount = 0,
  onClose,
  onDeleted,
}: ContactActionsProps & { onClose: () => void }) {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Set before the first await: a second click in the same frame, before the button re-renders disabled, is ignored too.
  const started = useRef(false);
  const remove = async () => {
    if (started.current) return;
    started.current = true;
    setRunning(true);
    setError(null);
    try {
      await service.deleteContact(contact.id);
      onClose();
      onDeleted?.();
    } catch (err) {
      setError(humanError(err));
      started.current = false;
      setRunning(false);
    }
  };
  return (
    <Dialog title={`Delete ${contact.name}?`} onClose={onClose} testId="delete-dialog">
      <p>
        This removes {contact.name} from your contacts and shreds your whole conversation with them from this
        browser. It cannot be undone. They are not told.
      </p>
      <button type="button" class="danger" disabled={running} onClick={remove}>
        {running ? 'Shredding…' : 'Delete and shred'}
      </button>
      {running && (
        <div class="shred-progress" role="status" data-testid="shred-progress">
          <label for="shred-progress">
            Shredding {messageCount.toLocaleString('en')} {messageCount === 1 ? 'message' : 'messages'} and
            their keys — keep this page open…
          </label>
          <progress id="shred-progress" />
        </div>
      )}
      <ErrorNote error={error} />
    </Dialog>
  );
}

/** @example <ContactActions service={s} contact={c} onDeleted={back} /> */
export function ContactActions(props: ContactActionsProps) {
  const [open, setOpen] = useState<'rename' | 'delete' | null>(null);
  const close = () => setOpen(null);
  return (
    <>
      <button type="button" onClick={() => setOpen('rename')}>
        Rename
      </button>
      <button type="button" onClick={() => setOpen('delete')}>
        Delete
      </button>
      {open === 'rename' && <RenameDialog {...props} onClose={close} />}
      {open === 'delete' && <DeleteDialog {...props} onClose={close} />}
    </>
  );
}
