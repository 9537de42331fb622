/**
 * The trojan warning: shown while the server offers code other than the
 * pinned bundle, with both hashes, until the person accepts the new code.
 */
import { useEffect, useState } from 'preact/hooks';
import { acceptOffered, type PinStatus, subscribePin } from '../pin/pin-client.js';

/** Subscribes to the pinning worker's status. */
export function usePinStatus(): PinStatus {
  const [status, setStatus] = useState<PinStatus>({
    supported: false,
    pinned: null,
    offered: null,
    error: null,
  });
  useEffect(() => subscribePin(setStatus), []);
  return status;
}

/** @example <PinBanner /> */
export function PinBanner() {
  const status = usePinStatus();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (status.error) setBusy(false); // verification failed: let the person retry or stay pinned
  }, [status.error]);
  if (!status.offered)
    return status.error ? (
      <p class="banner warn" role="alert">
        {status.error}
      </p>
    ) : null;
  const offered = status.offered;
  return (
    <section class="banner danger" role="alert" aria-labelledby="pin-title" data-testid="pin-warning">
      <h2 id="pin-title">The server is offering different code</h2>
      <p>
        This browser keeps running the version you installed. A changed client can be an honest update or a
        trojan. Compare the new hash with the one published for the release before you accept.
      </p>
      <dl class="hashes">
        <dt>Running (pinned)</dt>
        <dd data-testid="pin-old">{status.pinned}</dd>
        <dt>Offered by the server</dt>
        <dd data-testid="pin-new">{offered}</dd>
      </dl>
      {status.error && <p class="error">{status.error}</p>}
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          await acceptOffered(offered);
        }}
      >
        {busy ? 'Verifying…' : 'I checked the hash — run the new version'}
      </button>
    </section>
  );
}
