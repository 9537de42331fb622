/** Shows this account's id as text and QR code, to hand to a contact, and the running bundle's hash. */
import { Dialog } from './dialog.js';
import { usePinStatus } from './pin-banner.js';
import { QrCode } from './qr-code.js';

/** @example <IdDialog accountId={id} onClose={close} /> */
export function IdDialog({ accountId, onClose }: { accountId: string; onClose: () => void }) {
  const pin = usePinStatus();
  return (
    <Dialog title="Your tacet id" onClose={onClose} testId="id-dialog">
      <p>
        Give this id to people who should be able to write to you. It is not a phone number and says nothing
        about you.
      </p>
      <p class="account-id" data-testid="own-id">
        {accountId}
      </p>
      <QrCode value={accountId} label={`QR code of your id ${accountId}`} />
      <button type="button" onClick={() => navigator.clipboard?.writeText(accountId)}>
        Copy id
      </button>
      <p class="bundle-hash">
        Web client bundle (SHA-256 of asset-manifest.json):{' '}
        <code data-testid="bundle-hash">
          {pin.pinned ?? 'not pinned: this browser runs whatever the server sends'}
        </code>
      </p>
    </Dialog>
  );
}
