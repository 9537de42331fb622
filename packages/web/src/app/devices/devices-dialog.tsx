/**
 * "Devices": this account's devices from its signed list, this one marked;
 * removing another one (asked twice) signs a list without it. Below, linking
 * a new device (link-device-form.tsx).
 */
import { useState } from 'preact/hooks';
import { AskTwice } from '../ask-twice.js';
import { Dialog } from '../dialog.js';
import { ErrorNote } from '../error-note.js';
import { humanError } from '../human-error.js';
import type { ChatService, DeviceView } from '../service.js';
import { useReloading } from '../use-reloading.js';
import { LinkDeviceForm } from './link-device-form.js';

export interface DevicesDialogProps {
  service: ChatService;
  onClose: () => void;
}

function useDevices(service: ChatService): DeviceView[] | null {
  return useReloading<DeviceView[] | null>(
    null,
    () => service.devices(),
    (reload) =>
      service.subscribe((e) => {
        if (e.type === 'devices') reload();
      }),
    [service],
  );
}

/** @example <DevicesDialog service={s} onClose={close} /> */
export function DevicesDialog({ service, onClose }: DevicesDialogProps) {
  const devices = useDevices(service);
  const [removing, setRemoving] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async (deviceId: number) => {
    setBusy(true);
    setError(null);
    try {
      await service.removeDevice(deviceId);
    } catch (err) {
      setError(humanError(err));
    } finally {
      setBusy(false);
      setRemoving(null);
    }
  };
  return (
    <Dialog title="Devices" onClose={onClose} testId="devices-dialog">
      <p>Every device listed here receives your messages. Remove any you do not recognise.</p>
      {devices === null ? (
        <p>Loading…</p>
      ) : (
        <ul class="member-list">
          {devices.map((d) => (
            <li key={d.deviceId} data-device={d.deviceId} data-current={String(d.current)}>
              <span class="name">Device {d.deviceId}</span>
              {d.current && <span class="badge ok">this device</span>}
              {!d.current && removing !== d.deviceId && (
                <button type="button" disabled={busy} onClick={() => setRemoving(d.deviceId)}>
                  Remove
                </button>
              )}
              {removing === d.deviceId && (
                <AskTwice
                  yes={`Remove device ${d.deviceId}`}
                  no="Keep it"
                  disabled={busy}
                  onYes={() => void remove(d.deviceId)}
                  onNo={() => setRemoving(null)}
                >
                  Remove device {d.deviceId}? It receives nothing afterwards and is signed out.
                </AskTwice>
              )}
            </li>
          ))}
        </ul>
      )}
      {busy && <p role="status">Removing — signing a new device list…</p>}
      <ErrorNote error={error} />
      <LinkDeviceForm service={service} />
    </Dialog>
  );
}
