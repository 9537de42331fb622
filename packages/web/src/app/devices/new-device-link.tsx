/**
 * The new device's side of linking: shows its link code as text (to type or
 * paste on the other device, no camera needed), waits for that device, then
 * asks the person to compare the six digits both show before anything is
 * kept here.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { humanError } from '../human-error.js';
import type { ChatService, NewDeviceLink } from '../service.js';
import { ComparisonCheck } from './comparison-check.js';

export interface NewDeviceLinkProps {
  link: NewDeviceLink;
  onLinked: (service: ChatService) => void;
  /** Cancelled or failed: the half-made profile is gone; back to the start. */
  onGone: (error: string | null) => void;
}

/** @example <NewDeviceLinkScreen link={link} onLinked={open} onGone={back} /> */
export function NewDeviceLinkScreen({ link, onLinked, onGone }: NewDeviceLinkProps) {
  const [comparison, setComparison] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ended = useRef(false);
  const fail = (err: unknown) => {
    if (ended.current) return;
    ended.current = true;
    void link.cancel().then(() => onGone(humanError(err)));
  };
  useEffect(() => {
    link.comparison().then(setComparison, fail);
  }, [link]);
  const confirm = async () => {
    setBusy(true);
    try {
      const service = await link.confirm();
      ended.current = true;
      onLinked(service);
    } catch (err) {
      setBusy(false);
      fail(err);
    }
  };
  const stop = (why: string | null) => {
    ended.current = true;
    void link.cancel().then(() => onGone(why));
  };
  return (
    <main class="welcome">
      <h1>tacet</h1>
      <h2>Link this browser to your account</h2>
      {comparison === null ? (
        <>
          <p>
            On a device that already has your account, open <strong>Devices</strong> (in the web app) or run{' '}
            <code>tacet devices link CODE</code>, and enter this link code:
          </p>
          <p class="link-code">
            <code data-testid="link-code">{link.code}</code>
          </p>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(link.code)}>
            Copy the code
          </button>
          <p role="status">
            Waiting for your other device… The code works until{' '}
            {new Date(link.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.
          </p>
        </>
      ) : (
        <ComparisonCheck
          code={comparison}
          other="your other device"
          busy={busy}
          onMatch={() => void confirm()}
          onDiffer={() =>
            stop('Nothing was linked: the codes differed. Someone may have tried to get in between.')
          }
        />
      )}
      {busy && <p role="status">Linking — receiving your account from the other device…</p>}
      {!busy && (
        <button type="button" onClick={() => stop(null)}>
          Cancel
        </button>
      )}
    </main>
  );
}
