/**
 * A group's members: everyone listed, admins and ourselves marked. Admins
 * rename the group, remove members (asked twice) and add contacts; anyone may leave. Changes
 * are signed and sent to every member, so each takes a moment; the buttons
 * wait for it and say so.
 */
import { useState } from 'preact/hooks';
import { AskTwice } from '../ask-twice.js';
import { Dialog } from '../dialog.js';
import { ErrorNote } from '../error-note.js';
import { humanError } from '../human-error.js';
import { NameField } from '../name-field.js';
import type { ChatService, ContactView, GroupView } from '../service.js';
import { ContactPicker } from './contact-picker.js';

export interface MembersDialogProps {
  service: ChatService;
  group: GroupView;
  contacts: readonly ContactView[];
  onClose: () => void;
}

/** @example <MembersDialog service={s} group={g} contacts={list} onClose={close} /> */
export function MembersDialog({ service, group, contacts, onClose }: MembersDialogProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [adding, setAdding] = useState<string[]>([]);
  const [newName, setNewName] = useState(group.name);
  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(humanError(err));
    } finally {
      setBusy(null);
      setRemoving(null);
      setLeaving(false);
    }
  };
  const rename = (event: Event) => {
    event.preventDefault();
    const name = newName.trim();
    if (name && name !== group.name) void run('rename', () => service.renameGroup(group.id, name));
  };
  const outside = contacts.filter((c) => !group.members.some((m) => m.accountId === c.id));
  return (
    <Dialog title={`Members of ${group.name}`} onClose={onClose} testId="members-dialog">
      <ul class="member-list">
        {group.members.map((m) => (
          <li key={m.accountId} data-member={m.me ? 'You' : m.name}>
            <span class="name">{m.me ? 'You' : m.name}</span>
            {m.admin && <span class="badge ok">admin</span>}
            {group.admin && group.member && !m.me && removing !== m.accountId && (
              <>
                <button
                  type="button"
                  disabled={busy !== null}
                  onClick={() =>
                    m.admin
                      ? run('demote', () => service.demoteGroupMember(group.id, m.accountId))
                      : run('promote', () => service.promoteGroupMember(group.id, m.accountId))
                  }
                >
                  {m.admin ? 'Remove admin' : 'Make admin'}
                </button>
                <button type="button" disabled={busy !== null} onClick={() => setRemoving(m.accountId)}>
                  Remove
                </button>
              </>
            )}
            {removing === m.accountId && (
              <AskTwice
                yes={`Remove ${m.name}`}
                no="Keep"
                disabled={busy !== null}
                onYes={() => run('remove', () => service.removeGroupMember(group.id, m.accountId))}
                onNo={() => setRemoving(null)}
              >
                Remove {m.name}? They get nothing sent to the group afterwards.
              </AskTwice>
            )}
          </li>
        ))}
      </ul>
      {group.admin && group.member && (
        <form class="rename-group" onSubmit={rename}>
          <NameField
            label="Group name (every member sees it)"
            name="group-name"
            value={newName}
            onInput={setNewName}
          />
          <button
            type="submit"
            disabled={busy !== null || newName.trim() === '' || newName.trim() === group.name}
          >
            Rename
          </button>
        </form>
      )}
      {group.admin && group.member && outside.length > 0 && (
        <fieldset>
          <legend>Add people</legend>
          <ContactPicker contacts={outside} chosen={adding} onChange={setAdding} />
          <button
            type="button"
            disabled={adding.length === 0 || busy !== null}
            onClick={() =>
              run('add', async () => {
                await service.addGroupMembers(group.id, adding);
                setAdding([]);
              })
            }
          >
            Add to group
          </button>
        </fieldset>
      )}
      {group.member &&
        (leaving ? (
          <AskTwice
            yes="Leave for good"
            no="Stay"
            disabled={busy !== null}
            onYes={() => run('leave', () => service.leaveGroup(group.id))}
            onNo={() => setLeaving(false)}
          >
            Leave {group.name}? You will receive nothing sent to it afterwards.
          </AskTwice>
        ) : (
          <button type="button" class="danger" disabled={busy !== null} onClick={() => setLeaving(true)}>
            Leave group…
          </button>
        ))}
      {busy && (
        <p role="status" data-testid="group-busy">
          {BUSY_TEXT[busy]}
        </p>
      )}
      <ErrorNote error={error} />
    </Dialog>
  );
}

const BUSY_TEXT: Record<string, string> = {
  rename: 'Renaming — telling every member…',
  add: 'Adding — telling every member…',
  remove: 'Removing — telling every member…',
  leave: 'Leaving — telling every member…',
  promote: 'Making them an admin — telling every member…',
  demote: 'Taking their admin role back — telling every member…',
};
