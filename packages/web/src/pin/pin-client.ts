/**
 * Page side of bundle pinning: registers the service worker, asks it which
 * bundle is pinned and whether the server offers another, and relays the
 * person's decision to accept new code.
 */
import type { PinReply, PinRequest } from './messages.js';

/** What the UI shows about the pin. */
export interface PinStatus {
  supported: boolean;
  pinned: string | null;
  offered: string | null;
  error: string | null;
}

type Listener = (status: PinStatus) => void;

let status: PinStatus = { supported: false, pinned: null, offered: null, error: null };
const listeners = new Set<Listener>();
let onAccepted: ((hash: string) => void) | undefined;

function update(patch: Partial<PinStatus>): void {
  status = { ...status, ...patch };
  for (const l of listeners) l(status);
}

function onReply(reply: PinReply): void {
  if (reply.type === 'pin-status') update({ pinned: reply.pinned, offered: reply.offered, error: null });
  else if (reply.type === 'pin-error') update({ error: reply.message });
  else if (reply.type === 'pin-accepted') onAccepted?.(reply.hash);
}

async function post(request: PinRequest): Promise<void> {
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage(request);
}

/** Subscribes to pin status changes; returns the unsubscribe function. */
export function subscribePin(listener: Listener): () => void {
  listeners.add(listener);
  listener(status);
  return () => listeners.delete(listener);
}

/**
 * Registers /sw.js and starts listening. Without service workers (a private
 * window in some browsers) the app still runs, unpinned, and says so.
 */
export async function startPinning(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  update({ supported: true });
  navigator.serviceWorker.addEventListener('message', (event) => onReply(event.data as PinReply));
  navigator.serviceWorker.startMessages();
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  } catch (err) {
    update({ error: `Service worker unavailable: ${String(err)}` });
    return;
  }
  await post({ type: 'pin-status' });
  await post({ type: 'pin-check' });
}

/** Accepts the offered bundle; the page reloads into it once it is verified and pinned. */
export async function acceptOffered(hash: string): Promise<void> {
  onAccepted = () => location.reload();
  await post({ type: 'pin-accept', hash });
}
