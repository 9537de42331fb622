/**
 * Sync transcripts between this account's own devices (issue 13 item 3):
 * what one device sends to a contact goes, in the same server send, to its
 * sibling devices as a sealed `sync` content naming the recipient, so the
 * message shows as sent on every device — with the same content id (a
 * delivery receipt from the contact marks it on each) and a countdown from
 * the same sending time. Siblings are the devices of our OWN signed list, and
 * their bundles must carry our own identity key: the server cannot slip in a
 * device to read what we send.
 */
import {
  type IdentityKeyPair,
  ProtocolAddress,
  processPreKeyBundle,
  type SignedDeviceList,
  signalEncrypt,
} from '@tacet/protocol';
import { formatAccountId, parseAccountId } from '@tacet/wire';
import type { Contact } from '../contacts.js';
import { type Content, decodeContent, encodeContent } from '../content/content.js';
import { pad } from '../content/padding.js';
import type { ClientEvent } from '../events.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import type { MessageRecord, OutboxItem } from '../store/types.js';
import { DEFAULT_TIMER_SECONDS } from '../timers/duration.js';
import type { HttpApi } from '../transport/http-api.js';
import { randomId, toHex } from '../util.js';
import { compareVersions, DEFAULT_VERSION } from './ordering.js';
import { parseBundles } from './peer-crypto.js';
import { seal } from './sealing.js';
import type { CertificateSource } from './sender-certificates.js';

/**
 * What a device sends that its siblings should show as sent by this account:
 * messages, timer changes, and reactions, edits and deletes (not read
 * receipts: what was displayed syncs on its own, displayedSyncItem).
 */
function synced(sent: Content): boolean {
  if (sent.kind === 'action') return sent.action.type !== 'read';
  if (sent.kind === 'text' || sent.kind === 'attachment') return sent.group === undefined;
  return sent.kind === 'timer';
}

export interface SyncDeps {
  readonly stores: ProtocolStores;
  readonly api: HttpApi;
  readonly certificate: CertificateSource;
  readonly self: { readonly accountId: string; readonly deviceId: number };
}

/** A session with sibling device `deviceId`, started from its bundle if none; false if it has no keys yet. */
async function siblingSession(d: SyncDeps, own: IdentityKeyPair, list: SignedDeviceList, deviceId: number) {
  const address = new ProtocolAddress(d.self.accountId, deviceId);
  if (await d.stores.get(NS.session, address.toString())) return address;
  let parsed: ReturnType<typeof parseBundles>;
  try {
    parsed = parseBundles(await d.api.bundle(d.self.accountId, deviceId));
  } catch {
    return undefined; // still uploading its keys: the next send tries again
  }
  const bundle = parsed.bundles[0];
  const listed = list.device(deviceId);
  // Our own identity key and the registration id we signed, or no copy at all.
  if (!parsed.identityKey.equals(own.publicKey) || !bundle || bundle.deviceId !== deviceId) return undefined;
  if (!listed || listed.registrationId !== bundle.registrationId) return undefined;
  await processPreKeyBundle(bundle, address, d.stores, Date.now());
  return address;
}

/**
 * `plaintext` sealed for every other device of our newest own list (none for
 * a lone device, or a sibling still uploading its keys). Protocol writes are
 * staged for the caller's commit.
 */
export async function sealForSiblings(
  d: SyncDeps,
  list: SignedDeviceList | undefined,
  plaintext: Uint8Array,
  now: number,
) {
  const siblings = (list?.devices ?? []).filter((x) => x.deviceId !== d.self.deviceId);
  if (!list || siblings.length === 0) return [];
  const own = await d.stores.identities.getIdentityKeyPair();
  const cert = await d.certificate(now);
  const accountId = parseAccountId(d.self.accountId);
  const out = [];
  for (const { deviceId } of siblings) {
    const address = await siblingSession(d, own, list, deviceId);
    if (!address) continue;
    const ct = await signalEncrypt(pad(plaintext), address, d.stores, now);
    out.push({ accountId, deviceId, content: await seal(d.stores, cert, address, ct) });
  }
  return out;
}

/**
 * The sealed sync copies of a 1:1 `item` for every other device of our
 * newest own list (none for receipts, group traffic, or a lone device).
 */
export async function syncCopies(
  d: SyncDeps,
  list: SignedDeviceList | undefined,
  item: OutboxItem,
  now: number,
) {
  if (!list || list.devices.length < 2 || item.recipient === d.self.accountId) return [];
  const sent = decodeContent(item.content);
  if (!synced(sent)) return [];
  const { devicesVersion: _, ...kind } = sent;
  const transcript = encodeContent({
    kind: 'sync',
    id: randomId(),
    sentAt: now,
    to: parseAccountId(item.recipient),
    sent: kind,
    devicesVersion: list.version,
  });
  return sealForSiblings(d, list, transcript, now);
}

/** The outbox item telling our other devices we displayed `targets` of `peer`'s messages now (their deadlines start). */
export function displayedSyncItem(
  self: string,
  peer: string,
  targets: Uint8Array[],
  now: number,
): OutboxItem {
  const id = randomId();
  const content = encodeContent({
    kind: 'sync',
    id,
    sentAt: now,
    to: parseAccountId(peer),
    sent: { kind: 'action', id: randomId(), sentAt: now, action: { type: 'read', targets } },
  });
  return { id: toHex(id), recipient: self, content, createdAt: now, ttlSeconds: 0 };
}

/**
 * A sibling displayed messages of `peer` at the transcript's sending time:
 * the same deadline here (the earlier one, if this device displayed them
 * first), so a message disappears from every device at once.
 */
export function displayedDeadlines(
  content: Content & { kind: 'sync' },
  found: ReadonlyArray<Omit<MessageRecord, 'seq'> | undefined>,
): Array<Omit<MessageRecord, 'seq'>> {
  const out = [];
  for (const m of found) {
    if (m?.direction !== 'in' || m.timerSeconds === 0) continue;
    const deadline = content.sentAt + m.timerSeconds * 1000;
    if (m.expiresAt !== null && m.expiresAt <= deadline) continue;
    out.push({ ...m, expiresAt: deadline });
  }
  return out;
}

/** What applying a sibling's transcript adds to the inbox batch. */
export interface SyncOutcome {
  readonly message?: Omit<MessageRecord, 'seq'>;
  readonly contact?: Contact;
  readonly events: ClientEvent[];
}

/**
 * A sibling device's transcript, as this device's own sent message: in the
 * conversation with its recipient, status sent, its countdown from the
 * transcript's sending time. A timer change also sets the conversation's
 * timer (as ours, ordered like any other change).
 */
export function applySync(
  content: Content & { kind: 'sync' },
  contact: Contact | undefined,
  self: string,
  now: number,
): SyncOutcome {
  const sent = content.sent;
  if (sent.kind !== 'text' && sent.kind !== 'attachment' && sent.kind !== 'timer') return { events: [] };
  if (sent.kind !== 'timer' && sent.group) return { events: [] };
  const peer = formatAccountId(content.to);
  let next: Contact = contact ?? {
    accountId: peer,
    name: peer,
    timerSeconds: DEFAULT_TIMER_SECONDS,
    addedAt: now,
  };
  const clock = Math.max(next.clock ?? 0, sent.clock);
  if (clock !== (next.clock ?? 0)) next = { ...next, clock };
  if (sent.kind === 'timer') {
    const version = { clock: sent.clock, sentAt: sent.sentAt, by: self };
    if (compareVersions(version, next.timerVersion ?? DEFAULT_VERSION) > 0)
      next = { ...next, timerSeconds: sent.timerSeconds, timerVersion: version };
  }
  const message: Omit<MessageRecord, 'seq'> = {
    id: toHex(sent.id),
    conversationId: peer,
    direction: 'out',
    kind: sent.kind,
    body: sent.kind === 'timer' ? '' : sent.body,
    ...(sent.kind === 'attachment' ? { attachment: sent.pointer } : {}),
    sentAt: sent.sentAt,
    clock: sent.clock,
    receivedAt: now,
    timerSeconds: sent.timerSeconds,
    // The sibling's countdown began when it sent: the same deadline here.
    expiresAt:
      sent.kind !== 'timer' && sent.timerSeconds > 0 ? content.sentAt + sent.timerSeconds * 1000 : null,
    status: 'sent',
    contentId: toHex(sent.id),
    ...(sent.kind === 'text' && sent.replyTo ? { replyTo: toHex(sent.replyTo) } : {}),
  };
  return {
    message,
    ...(next !== contact ? { contact: next } : {}),
    events: [{ type: 'message', message: { ...message, seq: 0 } }],
  };
}
