/**
 * The existing device's side of linking: enter the code the new device shows,
 * compare the six digits both show, and confirm. Only then do the identity
 * key, contacts and groups travel, end to end encrypted.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNote } from '../error-note.js';
import { humanError } from '../human-error.js';
import type { ChatService, PendingLink } from '../service.js';
import { ComparisonCheck } from './comparison-check.js';

type Step = { at: 'code' } | { at: 'compare'; link: PendingLink } | { at: 'done'; deviceId: number };

/** @example <LinkDeviceForm service={s} /> */
export function LinkDeviceForm({ service }: { service: ChatService }) {
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>({ at: 'code' });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A dialog closed mid-link must not leave the other device waiting on a half-open channel.
  const pending = useRef<PendingLink | null>(null);
  useEffect(() => () => pending.current?.cancel(), []);

  const attempt = async (what: string, action: () => Promise<Step>) => {
    setBusy(what);
    setError(null);
    try {
      const next = await action();
      pending.current = next.at === 'compare' ? next.link : null;
      setStep(next);
    } catch (err) {
      pending.current?.cancel();
      pending.current = null;
      setError(humanError(err));
      setStep({ at: 'code' });
    } finally {
      setBusy(null);
    }
  };
  const start = (event: Event) => {
    event.preventDefault();
    void attempt('Contacting the new device…', async () => ({
      at: 'compare',
      link: await service.linkDevice(code.trim()),
    }));
  };

  return (
    <fieldset class="link-device">
      <legend>Link a device</legend>
      {step.at === 'code' && (
        <form onSubmit={start}>
          <p>
            On the new device, open tacet and choose “Link to an account I already have”. Enter the code it
            shows.
          </p>
          <label>
            Link code from the new device
            <input
              name="link-code"
              required
              spellcheck={false}
              autoComplete="off"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy !== null}>
            Link
          </button>
        </form>
      )}
      {step.at === 'compare' && (
        <ComparisonCheck
          code={step.link.comparison}
          other="the new device"
          busy={busy !== null}
          onMatch={() =>
            void attempt('Linking — sending your account to the new device…', async () => ({
              at: 'done',
              deviceId: (await step.link.confirm()).deviceId,
            }))
          }
          onDiffer={() => {
            step.link.cancel();
            pending.current = null;
            setCode('');
            setStep({ at: 'code' });
            setError('Nothing was linked: the codes differed. Start again on the new device.');
          }}
        />
      )}
      {step.at === 'done' && (
        <p role="status" data-testid="linked">
          Device {step.deviceId} is linked. It has your contacts and receives your messages from now on.
        </p>
      )}
      {busy && <p role="status">{busy}</p>}
      <ErrorNote error={error} />
    </fieldset>
  );
}
