/**
 * Who has one of our group messages: per member, ✓✓ once every device of
 * theirs has it, ✓ while some device has not fetched it yet. Read again
 * whenever the conversation changes (a delivery receipt updates the message).
 */
import type { MessageRecord } from '@tacet/client';
import { Dialog } from '../dialog.js';
import { humanError } from '../human-error.js';
import type { ChatService, MemberDelivery } from '../service.js';
import { useReloading } from '../use-reloading.js';

export interface DeliveryDialogProps {
  service: ChatService;
  message: MessageRecord;
  onClose: () => void;
}

type Loaded = { rows: MemberDelivery[] } | { error: string } | null;

/** @example <DeliveryDialog service={s} message={m} onClose={close} /> */
export function DeliveryDialog({ service, message, onClose }: DeliveryDialogProps) {
  const loaded = useReloading<Loaded>(
    null,
    () =>
      service.groupDelivery(message.id).then(
        (rows) => ({ rows }),
        (err: unknown) => ({ error: humanError(err) }),
      ),
    (reload) =>
      service.subscribe((e) => {
        if (e.type === 'messages' && (e.contactId === message.conversationId || e.contactId === '*'))
          reload();
      }),
    [service, message.id],
  );
  const preview = [...message.body].slice(0, 60).join('');
  return (
    <Dialog title="Who has this message" onClose={onClose} testId="delivery-dialog">
      <p class="quoted">“{preview}”</p>
      {loaded === null && <p>Loading…</p>}
      {loaded && 'error' in loaded && (
        <p class="error" role="alert">
          {loaded.error}
        </p>
      )}
      {loaded && 'rows' in loaded && (
        <ul class="member-list">
          {loaded.rows.map((r) => (
            <li key={r.accountId} data-member={r.name} data-delivered={String(r.delivered)}>
              <span class="name">{r.name}</span>{' '}
              <span class={`mark ${r.delivered ? 'delivered' : 'sent'}`}>
                {r.delivered ? '✓✓ delivered' : '✓ not yet on all their devices'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
