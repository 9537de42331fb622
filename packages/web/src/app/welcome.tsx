/**
 * First screen: create an account (passphrase, then the proof-of-work with a
 * progress bar) or unlock the one this browser holds.
 */
import { useState } from 'preact/hooks';
import { NewDeviceLinkScreen } from './devices/new-device-link.js';
import { ErrorNote } from './error-note.js';
import { humanError } from './human-error.js';
import { InsecureContext } from './insecure-context.js';
import type { ChatService, Launcher, NewDeviceLink } from './service.js';
import { StartOver } from './start-over.js';

/** Props: the launcher and what to do with the opened service. */
export interface WelcomeProps {
  launcher: Launcher;
  hasAccount: boolean;
  onOpen: (service: ChatService) => void;
  /** The profile was wiped ("start over"): show account creation. */
  onWiped: () => void;
}

/** @example <Welcome launcher={launcher} hasAccount={false} onOpen={setService} /> */
export function Welcome(props: WelcomeProps) {
  // Without a secure context there is no service worker (bundle pinning) and no WebCrypto (key shredding).
  if (!globalThis.isSecureContext) return <InsecureContext />;
  return <WelcomeForm {...props} />;
}

function WelcomeForm({ launcher, hasAccount, onOpen, onWiped }: WelcomeProps) {
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [link, setLink] = useState<NewDeviceLink | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (!hasAccount && passphrase !== confirm) return setError('The two passphrases differ.');
    setBusy(true);
    try {
      if (hasAccount) onOpen(await launcher.unlock(passphrase));
      else {
        setProgress(0);
        onOpen(await launcher.register(passphrase, setProgress));
      }
    } catch (err) {
      setError(humanError(err));
      setProgress(null);
      setBusy(false);
    }
  };

  const beginLink = async (event: Event) => {
    const form = (event.currentTarget as HTMLButtonElement).form;
    setError(null);
    if (form && !form.reportValidity()) return;
    if (passphrase !== confirm) return setError('The two passphrases differ.');
    setBusy(true);
    try {
      setLink(await launcher.beginLink(passphrase));
    } catch (err) {
      setError(humanError(err));
    } finally {
      setBusy(false);
    }
  };

  if (link)
    return (
      <NewDeviceLinkScreen
        link={link}
        onLinked={onOpen}
        onGone={(why) => {
          setLink(null);
          setError(why);
        }}
      />
    );
  return (
    <main class="welcome">
      <h1>tacet</h1>
      <p class="tagline">Private messages that leave nothing behind. No phone number, no e-mail.</p>
      <form onSubmit={submit} aria-describedby="welcome-help">
        <p id="welcome-help">
          {hasAccount
            ? 'Unlock this browser’s account with its passphrase.'
            : 'Choose a passphrase: it encrypts everything this browser stores. It cannot be recovered.'}
        </p>
        <label>
          Passphrase
          <input
            type="password"
            name="passphrase"
            autoComplete={hasAccount ? 'current-password' : 'new-password'}
            required
            minLength={hasAccount ? 1 : 8}
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
          />
        </label>
        {!hasAccount && (
          <label>
            Passphrase again
            <input
              type="password"
              name="confirm"
              autoComplete="new-password"
              required
              value={confirm}
              onInput={(e) => setConfirm(e.currentTarget.value)}
            />
          </label>
        )}
        <button type="submit" disabled={busy}>
          {hasAccount ? 'Unlock' : 'Create account'}
        </button>
        {!hasAccount && (
          <button type="button" disabled={busy} onClick={(e) => void beginLink(e)}>
            Link to an account I already have
          </button>
        )}
        {progress !== null && (
          <div class="pow">
            <label for="pow-progress">Proving this is not a bulk sign-up (proof of work)…</label>
            <progress id="pow-progress" max={1} value={Math.min(progress, 0.99)} data-testid="pow-progress" />
          </div>
        )}
        <ErrorNote error={error} />
      </form>
      {hasAccount && <StartOver launcher={launcher} onWiped={onWiped} />}
    </main>
  );
}
