/**
 * Creating a group: a name and the contacts to put in it. We become its
 * admin; every member gets the signed group before the dialog closes.
 */
import { useState } from 'preact/hooks';
import { Dialog } from '../dialog.js';
import { ErrorNote } from '../error-note.js';
import { humanError } from '../human-error.js';
import { NameField } from '../name-field.js';
import type { ChatService, ContactView, GroupView } from '../service.js';
import { ContactPicker } from './contact-picker.js';

export interface NewGroupDialogProps {
  service: ChatService;
  contacts: readonly ContactView[];
  onCreated: (group: GroupView) => void;
  onClose: () => void;
}

/** @example <NewGroupDialog service={s} contacts={list} onCreated={open} onClose={close} /> */
export function NewGroupDialog({ service, contacts, onCreated, onClose }: NewGroupDialogProps) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async (event: Event) => {
    event.preventDefault();
    if (members.length === 0) return setError('Choose at least one contact to start the group with.');
    setBusy(true);
    setError(null);
    try {
      onCreated(await service.createGroup(name.trim(), members));
    } catch (err) {
      setError(humanError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="New group" onClose={onClose} testId="new-group-dialog">
      {contacts.length === 0 ? (
        <p>Add a contact first: a group starts with people you have added by their id.</p>
      ) : (
        <form onSubmit={create}>
          <NameField
            label="Group name (every member sees it)"
            name="group-name"
            value={name}
            onInput={setName}
          />
          <fieldset>
            <legend>Members</legend>
            <ContactPicker contacts={contacts} chosen={members} onChange={setMembers} />
          </fieldset>
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create group'}
          </button>
          <ErrorNote error={error} />
        </form>
      )}
    </Dialog>
  );
}
