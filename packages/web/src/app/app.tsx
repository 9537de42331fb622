/** The root component: welcome screen until the account is open, then the messenger. */
import { useEffect, useState } from 'preact/hooks';
import { MainScreen } from './main-screen.js';
import { PinBanner } from './pin-banner.js';
import type { ChatService, Launcher } from './service.js';
import { Welcome } from './welcome.js';

/** @example render(<App launcher={launcher} />, root) */
export function App({ launcher }: { launcher: Launcher }) {
  const [hasAccount, setHasAccount] = useState<boolean | null>(null);
  const [service, setService] = useState<ChatService | null>(null);
  useEffect(() => {
    launcher.hasAccount().then(setHasAccount);
  }, [launcher]);
  useEffect(() => {
    if (!service) return;
    const closeOnExit = () => void service.close();
    addEventListener('pagehide', closeOnExit);
    return () => removeEventListener('pagehide', closeOnExit);
  }, [service]);

  return (
    <>
      <PinBanner />
      {service ? (
        <MainScreen
          service={service}
          onAccountDeleted={async () => {
            await launcher.wipe();
            setService(null);
            setHasAccount(false);
          }}
        />
      ) : hasAccount === null ? null : (
        <Welcome
          launcher={launcher}
          hasAccount={hasAccount}
          onOpen={setService}
          onWiped={() => setHasAccount(false)}
        />
      )}
    </>
  );
}
