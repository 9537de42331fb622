/**
 * "Forgot passphrase — start over": the passphrase cannot be recovered, so
 * the only way on is to delete this browser's profile (the account's keys
 * and every message) and create a new account. A clear confirmation first.
 */
import { useState } from 'preact/hooks';
import { Dialog } from './dialog.js';
import { humanError } from './human-error.js';
import type { Launcher } from './service.js';

/** @example <StartOver launcher={launcher} onWiped={() => setHasAccount(false)} /> */
export function StartOver({ launcher, onWiped }: { launcher: Launcher; onWiped: () => void }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const wipe = async () => {
    try {
      await launcher.wipe();
      setAsking(false);
      onWiped();
    } catch (err) {
      setError(humanError(err));
    }
  };
  return (
    <>
      <button type="button" class="link" onClick={() => setAsking(true)}>
        Forgot passphrase — start over
      </button>
      {asking && (
        <Dialog title="Start over?" onClose={() => setAsking(false)} testId="start-over-dialog">
          <p>
            Nobody can recover a forgotten passphrase, not even the server. Starting over deletes this
            browser’s tacet account — its keys, contacts and every message — for good. Your contacts will need
            your new id.
          </p>
          <button type="button" class="danger" onClick={wipe}>
            Delete everything and start over
          </button>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </Dialog>
      )}
    </>
  );
}
