/**
 * A contact's device list changed — they linked a new device or removed
 * one: a notice in their conversation, and, for a contact the person
 * verified, the warning that sending waits until the person checks with
 * them that the change is theirs (a device someone else added would read
 * along). Accepting sends what waited.
 */
import { useState } from 'preact/hooks';
import { humanError } from './human-error.js';
import type { ChatService, ContactView, DeviceNoticeView } from './service.js';
import { useReloading } from './use-reloading.js';

export interface DeviceNoticesProps {
  service: ChatService;
  contact: ContactView;
  /** Our messages to the contact not sent yet (they wait while paused). */
  waiting: number;
}

function devicesText(n: number): string {
  return `${n} ${n === 1 ? 'device' : 'devices'}`;
}

/** The changes seen since this page opened; "Dismiss" hides the ones read. */
function DeviceChanges({ service, contact }: Omit<DeviceNoticesProps, 'waiting'>) {
  const notices = useReloading<DeviceNoticeView[]>(
    [],
    () => service.listDeviceNotices(contact.id),
    (reload) =>
      service.subscribe((e) => {
        if (e.type === 'device-notice' && e.contactId === contact.id) reload();
      }),
    [service, contact.id],
  );
  const [seen, setSeen] = useState(0);
  const shown = notices.slice(seen);
  if (shown.length === 0) return null;
  return (
    <section class="banner" role="status" data-testid="device-notice">
      <ul>
        {shown.map((n, i) => (
          <li key={seen + i}>
            {contact.name} linked or removed a device and now has {devicesText(n.devices)}. Your messages go
            to all of them.
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setSeen(notices.length)}>
        Dismiss
      </button>
    </section>
  );
}

/** Sending to a verified contact waits until the person accepts their changed devices. */
function DevicesPausedWarning({ service, contact, waiting }: DeviceNoticesProps) {
  const [error, setError] = useState<string | null>(null);
  const [accepting, setAccepting] = useState(false);
  const accept = () => {
    setAccepting(true);
    service
      .acceptDevices(contact.id)
      .catch((err: unknown) => setError(humanError(err)))
      .finally(() => setAccepting(false));
  };
  return (
    <section class="banner danger" role="alert" data-testid="devices-paused">
      <p>
        <strong>{contact.name} linked or removed a device.</strong> You verified {contact.name}, so your
        messages to them wait here until you check with {contact.name} — in person or on a call — that the
        change is theirs. If it is not, someone else may be trying to read along.
        {waiting > 0 && ` ${waiting} ${waiting === 1 ? 'message is' : 'messages are'} waiting.`}
      </p>
      {error && <p class="error">{error}</p>}
      <button type="button" disabled={accepting} onClick={accept}>
        {contact.name} confirmed it — send
      </button>
    </section>
  );
}

/** @example <DeviceNotices service={s} contact={c} waiting={2} /> */
export function DeviceNotices(props: DeviceNoticesProps) {
  return (
    <>
      <DeviceChanges service={props.service} contact={props.contact} />
      {props.contact.devicesPaused && <DevicesPausedWarning {...props} />}
    </>
  );
}
