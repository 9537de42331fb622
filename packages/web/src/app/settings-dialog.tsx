/**
 * Notification settings. Turning notifications on is the click that asks the
 * browser for permission; if it is refused, the setting stays off and says why.
 */
import { useState } from 'preact/hooks';
import { AccountSettings } from './account-settings.js';
import { Dialog } from './dialog.js';
import { askNotificationPermission, notificationsSupported } from './notify.js';
import type { ChatService } from './service.js';
import type { Settings } from './settings.js';

export interface SettingsDialogProps {
  settings: Settings;
  onChange: (next: Settings) => void;
  onClose: () => void;
  service: ChatService;
  onAccountDeleted: () => Promise<void>;
}

/** @example <SettingsDialog settings={s} onChange={save} onClose={close} /> */
export function SettingsDialog({
  settings,
  onChange,
  onClose,
  service,
  onAccountDeleted,
}: SettingsDialogProps) {
  const [note, setNote] = useState<string | null>(
    notificationsSupported() ? null : 'This browser cannot show notifications.',
  );
  const toggleNotify = async (on: boolean) => {
    if (!on) return onChange({ ...settings, notify: false });
    const granted = await askNotificationPermission();
    setNote(
      granted ? null : 'The browser did not allow notifications; allow them in its site settings first.',
    );
    onChange({ ...settings, notify: granted });
  };
  return (
    <Dialog title="Settings" onClose={onClose} testId="settings-dialog">
      <fieldset>
        <legend>When a message arrives</legend>
        <label>
          <input
            type="checkbox"
            name="notify"
            checked={settings.notify}
            disabled={!notificationsSupported()}
            onChange={(e) => void toggleNotify(e.currentTarget.checked)}
          />{' '}
          Show a desktop notification (it says only “New message”)
        </label>
        <label>
          <input
            type="checkbox"
            name="notify-name"
            checked={settings.notifyName}
            disabled={!settings.notify}
            onChange={(e) => onChange({ ...settings, notifyName: e.currentTarget.checked })}
          />{' '}
          Include the sender’s name in notifications
        </label>
        <label>
          <input
            type="checkbox"
            name="sound"
            checked={settings.sound}
            onChange={(e) => onChange({ ...settings, sound: e.currentTarget.checked })}
          />{' '}
          Play a sound
        </label>
        {note && <p class="error">{note}</p>}
      </fieldset>
      <AccountSettings service={service} onAccountDeleted={onAccountDeleted} />
    </Dialog>
  );
}
