/**
 * Settings that belong to the account: read receipts (off unless turned on,
 * kept in the encrypted profile) and deleting the account, which removes it
 * from the server and then shreds this browser's profile. Deleting asks a
 * second time, in words that say what is lost.
 */
import { useEffect, useState } from 'preact/hooks';
import { humanError } from './human-error.js';
import type { ChatService } from './service.js';

export interface AccountSettingsProps {
  service: ChatService;
  /** The account is gone on the server: wipe the profile and return to the start. */
  onAccountDeleted: () => Promise<void>;
}

/** @example <AccountSettings service={s} onAccountDeleted={wipe} /> */
export function AccountSettings({ service, onAccountDeleted }: AccountSettingsProps) {
  const [receipts, setReceipts] = useState<boolean | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    service.readReceipts().then(setReceipts, () => setReceipts(false));
  }, [service]);
  const toggle = async (on: boolean) => {
    await service.setReadReceipts(on);
    setReceipts(on);
  };
  const remove = async () => {
    try {
      await service.deleteAccount();
      await onAccountDeleted();
    } catch (err) {
      setError(humanError(err));
    }
  };
  return (
    <>
      <fieldset>
        <legend>Privacy</legend>
        <label>
          <input
            type="checkbox"
            name="read-receipts"
            checked={receipts === true}
            disabled={receipts === null}
            onChange={(e) => void toggle(e.currentTarget.checked)}
          />{' '}
          Send read receipts (your contacts see when you have read their messages)
        </label>
      </fieldset>
      <fieldset>
        <legend>Account</legend>
        {asking ? (
          <>
            <p>
              This deletes your account on the server and everything this browser holds: keys, contacts and
              every message. Your contacts can no longer reach you. It cannot be undone.
            </p>
            <button type="button" class="danger" onClick={remove}>
              Delete my account for good
            </button>{' '}
            <button type="button" onClick={() => setAsking(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" class="danger" onClick={() => setAsking(true)}>
            Delete my account…
          </button>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </fieldset>
    </>
  );
}
