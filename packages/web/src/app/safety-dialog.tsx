/**
 * The safety number of a conversation, as digits and as a QR code, with
 * "mark verified" once the person has compared it with the contact.
 */
import { safetyNumberRows } from '@tacet/client';
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from './dialog.js';
import { humanError } from './human-error.js';
import { QrCode } from './qr-code.js';
import type { ChatService, ContactView, SafetyNumberView } from './service.js';

/** Props: the service, the contact and what closing does. */
export interface SafetyDialogProps {
  service: ChatService;
  contact: ContactView;
  onClose: () => void;
}

/** @example <SafetyDialog service={s} contact={c} onClose={close} /> */
export function SafetyDialog({ service, contact, onClose }: SafetyDialogProps) {
  const [safety, setSafety] = useState<SafetyNumberView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    service.safetyNumber(contact.id).then(setSafety, (err: unknown) => setError(humanError(err)));
  }, [service, contact.id]);

  return (
    <Dialog title={`Safety number with ${contact.name}`} onClose={onClose} testId="safety-dialog">
      <p>
        Compare these digits with {contact.name}, in person or over a channel you trust. If they match, nobody
        is in the middle.
      </p>
      {error && <p class="error">{error}</p>}
      {safety && (
        <>
          <p class="safety-digits" data-testid="safety-digits">
            {/* Signal's layout, the same as `tacet safety-number`: 3 rows of 4 groups of 5. */}
            {safetyNumberRows(safety.digits).map((row, r) => (
              <span class="row" key={r}>
                {row.map((g, i) => (
                  <span key={i}>{g}</span>
                ))}
              </span>
            ))}
          </p>
          <QrCode value={safety.qr} label={`QR code of the safety number with ${contact.name}`} />
        </>
      )}
      {contact.verified ? (
        <p class="verified">✓ Verified</p>
      ) : (
        <button type="button" disabled={!safety} onClick={() => service.markVerified(contact.id)}>
          Mark as verified
        </button>
      )}
    </Dialog>
  );
}
