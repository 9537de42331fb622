/** The messenger once unlocked: header, chat list and the open conversation. */
import { useEffect, useState } from 'preact/hooks';
import { ChatList } from './chat-list.js';
import { ChatView } from './chat-view.js';
import { DevicesDialog } from './devices/devices-dialog.js';
import { GroupChatView } from './groups/group-chat-view.js';
import { NewGroupDialog } from './groups/new-group-dialog.js';
import { IdDialog } from './id-dialog.js';
import type { ChatService, ConnectionState, ContactView, GroupView } from './service.js';
import { useSettings } from './settings.js';
import { SettingsDialog } from './settings-dialog.js';
import { useReloading } from './use-reloading.js';
import { useUnread } from './use-unread.js';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  online: 'Connected',
  connecting: 'Connecting…',
  offline: 'Offline — will reconnect',
};

function useContacts(service: ChatService): ContactView[] {
  return useReloading<ContactView[]>(
    [],
    () => service.listContacts(),
    (reload) =>
      service.subscribe((e) => {
        if (e.type === 'contacts') reload();
      }),
    [service],
  );
}

function useGroups(service: ChatService): GroupView[] {
  return useReloading<GroupView[]>(
    [],
    () => service.listGroups(),
    (reload) =>
      service.subscribe((e) => {
        if (e.type === 'groups') reload();
      }),
    [service],
  );
}

function useConnection(service: ChatService): ConnectionState {
  const [state, setState] = useState(service.connection());
  useEffect(() => {
    const off = service.subscribe((e) => {
      if (e.type === 'connection') setState(e.state);
    });
    // Effects run after paint: a change between the first render and this subscription
    // emitted no event we heard (the screen said "Connecting" for good once the socket opened then).
    setState(service.connection());
    return off;
  }, [service]);
  return state;
}

/** @example <MainScreen service={service} /> */
export function MainScreen({
  service,
  onAccountDeleted,
}: {
  service: ChatService;
  /** After "delete my account": wipe the profile and go back to the start. */
  onAccountDeleted: () => Promise<void>;
}) {
  const contacts = useContacts(service);
  const groups = useGroups(service);
  const [showNewGroup, setShowNewGroup] = useState(false);
  const connection = useConnection(service);
  const [selected, setSelected] = useState<string | null>(null);
  const [showId, setShowId] = useState(false);
  const [showSettings, setShowSettings] = useState(false);
  const [showDevices, setShowDevices] = useState(false);
  const [settings, saveSettings] = useSettings();
  const unread = useUnread(service, selected, contacts, groups, settings);
  const contact = contacts.find((c) => c.id === selected) ?? null;
  const group = groups.find((g) => g.conversationId === selected) ?? null;

  return (
    <div class="main">
      <header class="top">
        <h1>tacet</h1>
        <p class={`connection ${connection}`} role="status" data-testid="connection">
          {CONNECTION_TEXT[connection]}
        </p>
        <button type="button" onClick={() => setShowId(true)}>
          My id
        </button>
        <button type="button" onClick={() => setShowDevices(true)}>
          Devices
        </button>
        <button type="button" onClick={() => setShowSettings(true)}>
          Settings
        </button>
      </header>
      <div class={contact || group ? 'panes has-chat' : 'panes'}>
        <ChatList
          service={service}
          contacts={contacts}
          groups={groups}
          onNewGroup={() => setShowNewGroup(true)}
          selected={selected}
          unread={unread}
          onSelect={setSelected}
        />
        <main class="pane">
          {contact ? (
            <ChatView key={contact.id} service={service} contact={contact} onBack={() => setSelected(null)} />
          ) : group ? (
            <GroupChatView
              key={group.id}
              service={service}
              group={group}
              contacts={contacts}
              onBack={() => setSelected(null)}
            />
          ) : (
            <p class="placeholder">Pick a conversation, or add a contact by their id.</p>
          )}
        </main>
      </div>
      {showNewGroup && (
        <NewGroupDialog
          service={service}
          contacts={contacts}
          onCreated={(g) => {
            setShowNewGroup(false);
            setSelected(g.conversationId);
          }}
          onClose={() => setShowNewGroup(false)}
        />
      )}
      {showDevices && <DevicesDialog service={service} onClose={() => setShowDevices(false)} />}
      {showId && <IdDialog accountId={service.accountId} onClose={() => setShowId(false)} />}
      {showSettings && (
        <SettingsDialog
          settings={settings}
          onChange={saveSettings}
          onClose={() => setShowSettings(false)}
          service={service}
          onAccountDeleted={onAccountDeleted}
        />
      )}
    </div>
  );
}
