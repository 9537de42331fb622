/**
 * The safety number of a conversation, as digits and as a QR code, with
 * "mark verified" once the person has compared it with the contact.
 */
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from './dialog.js';
import { groupDigits } from './format.js';
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
    service.safetyNumber(contact.id).then(setSafety, (err: unknown) => setError(String(err)));
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
            {groupDigits(safety.digits).map((g, i) => (
              <span key={i}>{g}</span>
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
