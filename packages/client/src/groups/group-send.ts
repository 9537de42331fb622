/**
 * Sending one group message (issue 11, item 2): an outbox item whose
 * recipient is the group's conversation id. First every member device that
 * lacks our current sender key gets it 1:1 (a SenderKeyDistributionMessage,
 * many members at a time, each acked by the server before the message goes,
 * so it is queued ahead of it);
 * then the message is encrypted ONCE under the sender key, sealed once for
 * all member devices and our own other devices (sealed sender v2: they show
 * it as sent by us) and uploaded once to
 * PUT /v1/messages/multi-recipient, which commits every copy together.
 * The server sees devices, as for 1:1, never a group id or member list.
 */
import {
  ContentHint,
  distributionIdFromBytes,
  distributionIdToBytes,
  groupEncrypt,
  type MultiRecipientStores,
  ProtocolAddress,
  SenderKeyDistributionMessage,
  sealedSenderMultiRecipientEncrypt,
  UnidentifiedSenderMessageContent,
} from '@tacet/protocol';
import { formatAccountId, parseAccountId } from '@tacet/wire';
import type { Contacts } from '../contacts.js';
import { pad } from '../content/padding.js';
import { devicesPaused, devicesPausedError } from '../devices/device-changes.js';
import { ownDeviceList } from '../devices/own-device-list.js';
import { listedOnly } from '../devices/verified-device-list.js';
import { ClientError } from '../errors.js';
import type { ClientEvent } from '../events.js';
import { deviceIds } from '../messenger/peer-crypto.js';
import type { CertificateSource } from '../messenger/sender-certificates.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore, OutboxItem } from '../store/types.js';
import type { HttpApi } from '../transport/http-api.js';
import { fromHex, type Mutex } from '../util.js';
import { forEachBounded } from './for-each-bounded.js';
import { type GroupEntry, groupIdOf, isGroupConversation, loadGroup, saveGroup } from './group-book.js';
import { controlItem } from './group-control-item.js';
import { memberName } from './group-info.js';
import { memberOf } from './group-state.js';
import { senderKeys } from './sender-keys.js';

export interface GroupSendDeps {
  readonly stores: ProtocolStores;
  readonly store: ClientStore;
  readonly contacts: Contacts;
  readonly api: HttpApi;
  readonly certificate: CertificateSource;
  /** The inbox lock: every protocol step and its commit run under it. */
  readonly lock: Mutex;
  readonly self: { readonly accountId: string; readonly deviceId: number };
  readonly now: () => number;
  /** Sends a 1:1 item at once (to every listed device of its recipient); resolves on the server's ack. */
  readonly sendDirect: (item: OutboxItem) => Promise<void>;
  /** Forgets the device sets of these accounts: the next 1:1 send to each fetches and checks their newest list. */
  readonly forgetDevices: (accountIds: readonly string[]) => Promise<void>;
  readonly emit: (e: ClientEvent) => void;
}

/** Whether an outbox item is a group message (its recipient is a group conversation id). */
export function isGroupItem(item: OutboxItem): boolean {
  return isGroupConversation(item.recipient);
}

/** The UUID form of an account id, as sealed sender v2 names recipients (the server maps it back). */
export function accountUuid(accountId: string): string {
  return distributionIdFromBytes(parseAccountId(accountId));
}

/** The protocol stores seen through UUID-named addresses (sealed sender v2 recipients). */
function uuidStores(stores: ProtocolStores): MultiRecipientStores {
  const back = (a: ProtocolAddress) =>
    new ProtocolAddress(formatAccountId(distributionIdToBytes(a.name)), a.deviceId);
  return {
    identities: {
      getIdentityKeyPair: () => stores.identities.getIdentityKeyPair(),
      getIdentity: (a) => stores.identities.getIdentity(back(a)),
    },
    sessions: { getSession: (a) => stores.sessions.getSession(back(a)) },
    remoteRegistrationId: (a) => stores.remoteRegistrationId(back(a)),
    staticSecrets: stores.staticSecrets,
  };
}

/** Server refusals that no retry fixes: the member's account is gone. */
function memberGone(e: unknown): boolean {
  return (
    e instanceof ClientError && e.is('ServerError') && (e.data.code === 'not_found' || e.data.status === 404)
  );
}

async function entryOf(d: GroupSendDeps, item: OutboxItem): Promise<GroupEntry> {
  const id = groupIdOf(item.recipient);
  const entry = id && (await loadGroup(d.stores, id));
  const state = entry ? entry.log.state : undefined;
  if (!entry || !state || !memberOf(state, d.self.accountId))
    throw new ClientError(
      'NotGroupMember',
      'you are no longer a member of this group; the message was not sent',
    );
  return entry;
}

/** Under the lock: our current sender key for the group as a distribution message (created if new). */
async function distributionMessage(d: GroupSendDeps, entry: GroupEntry): Promise<Uint8Array> {
  const own = new ProtocolAddress(d.self.accountId, d.self.deviceId);
  const skdm = await SenderKeyDistributionMessage.create(own, entry.distributionId, senderKeys(d.stores));
  await d.store.apply({ records: d.stores.takeWrites() });
  return skdm.serialize();
}

/** Sender-key hand-outs in flight at once: enough to hide the round trip, few enough to spare the server. */
export const DISTRIBUTION_CONCURRENCY = 32;

/**
 * Gives our sender key to every member device that lacks it, up to
 * DISTRIBUTION_CONCURRENCY members at a time; returns the devices per member
 * that have it now, in member order. A member whose account is gone, or
 * whose device list the server falsified, is left out (and reported). Who
 * got it is recorded once at the end (also after a failure, so a retry
 * skips them): a lost record only means the key is handed out again.
 */
async function distribute(d: GroupSendDeps, item: OutboxItem): Promise<Map<string, number[]>> {
  const first = await d.lock.run(() => entryOf(d, item));
  const state = first.log.state;
  const groupId = first.log.groupId;
  const skdm = await d.lock.run(async () => distributionMessage(d, await entryOf(d, item)));
  const others = (state?.members ?? []).filter((m) => m.accountId !== d.self.accountId);
  const reached = new Map<string, number[]>();
  const given: Record<string, number[]> = {};
  const giveTo = async (accountId: string) => {
    const listed = () =>
      d.lock.run(async () => listedOnly(d.stores, accountId, await deviceIds(d.stores, accountId)));
    const have = first.distributed[accountId] ?? [];
    let devices = await listed();
    if (devices.length === 0 || devices.some((x) => !have.includes(x))) {
      try {
        await d.sendDirect(controlItem(accountId, { type: 'sender-key', groupId, skdm }, d.now()));
      } catch (e) {
        const refused = e instanceof ClientError && (e.is('DeviceListRefused') || e.is('UnlistedDevice'));
        if (!memberGone(e) && !refused) throw e;
        const name = await memberName(d.contacts, accountId);
        d.emit({
          type: 'error',
          error: new ClientError('ServerError', `${name} gets no group messages: ${(e as Error).message}`),
        });
        return;
      }
      devices = await listed();
      given[accountId] = devices;
    }
    reached.set(accountId, devices);
  };
  const giveToSiblings = async () => {
    const have = first.distributed[d.self.accountId] ?? [];
    let devices = await d.lock.run(() => siblingsWithSession(d));
    const all = await d.lock.run(() => siblingIds(d));
    if (all.some((x) => !have.includes(x))) {
      await d.sendDirect(controlItem(d.self.accountId, { type: 'sender-key', groupId, skdm }, d.now()));
      // Only siblings it could be sealed for have it (one still uploading its keys gets it next time).
      devices = await d.lock.run(() => siblingsWithSession(d));
      given[d.self.accountId] = devices;
    }
    if (devices.length > 0) reached.set(d.self.accountId, devices);
  };
  try {
    await forEachBounded(others, DISTRIBUTION_CONCURRENCY, (m) => giveTo(m.accountId));
    if (state && memberOf(state, d.self.accountId)) await giveToSiblings();
  } finally {
    if (Object.keys(given).length > 0)
      await d.lock.run(async () => {
        const now = await entryOf(d, item);
        saveGroup(d.stores, { ...now, distributed: { ...now.distributed, ...given } });
        await d.store.apply({ records: d.stores.takeWrites() });
      });
  }
  const ids = [...others.map((m) => m.accountId), d.self.accountId];
  return new Map(ids.flatMap((id) => (reached.has(id) ? [[id, reached.get(id) as number[]]] : [])));
}

/**
 * Throws DevicesChanged when a verified member's device list changed since
 * the user last looked (devices/device-changes.ts), as a 1:1 send to them
 * would: the item stays queued until `acceptDevices`. Checked for every
 * member, not only those who need our sender key: a removed device, or a
 * new one that already has the key, changes nothing we would hand out.
 */
async function checkNonePaused(d: GroupSendDeps, item: OutboxItem): Promise<void> {
  const state = (await entryOf(d, item)).log.state;
  for (const m of state?.members ?? []) {
    // The pause mark first (a cached read): a group of many members costs no contact lookups.
    if (m.accountId === d.self.accountId || !(await devicesPaused(d.stores, m))) continue;
    const contact = await d.contacts.byId(m.accountId);
    const paused = contact && (await devicesPausedError(d.stores, contact));
    if (paused) throw paused;
  }
}

/** Our other devices, from our own newest signed list (never what the server says). */
async function siblingIds(d: GroupSendDeps): Promise<number[]> {
  const list = await ownDeviceList(d.stores);
  return (list?.devices ?? []).map((x) => x.deviceId).filter((x) => x !== d.self.deviceId);
}

/** The siblings we hold a session with (messenger/sync.ts starts one only for a bundle under our own key). */
async function siblingsWithSession(d: GroupSendDeps): Promise<number[]> {
  const out = [];
  for (const x of await siblingIds(d))
    if (await d.stores.get(NS.session, new ProtocolAddress(d.self.accountId, x).toString())) out.push(x);
  return out;
}

/**
 * Sends group item `item` (its content unpadded, as every outbox item).
 * Resolves once the server committed the fan-out; the caller marks it sent.
 *
 * @example
 * if (isGroupItem(item)) await sendGroupItem(deps, item);
 */
export async function sendGroupItem(d: GroupSendDeps, item: OutboxItem): Promise<void> {
  const missing = await sendOnce(d, item, true);
  if (missing.length === 0) return;
  // A member's signed list names a device we left out (they linked one): as a 1:1 send does, forget
  // their devices, so handing out the sender key fetches and checks the newest list — and pauses for
  // a verified member (DevicesChanged, the item kept) — then send once more, no longer held to the server's lists.
  await d.forgetDevices(missing.filter((a) => a !== d.self.accountId));
  await sendOnce(d, item, false);
}

/** One attempt; with `allDevices`, the accounts the server says it left incomplete (nothing was stored then). */
async function sendOnce(d: GroupSendDeps, item: OutboxItem, allDevices: boolean): Promise<readonly string[]> {
  await d.lock.run(() => checkNonePaused(d, item));
  const reached = await distribute(d, item);
  const body = await d.lock.run(async () => {
    const entry = await entryOf(d, item);
    const own = new ProtocolAddress(d.self.accountId, d.self.deviceId);
    const recipients = [...reached].flatMap(([id, devices]) =>
      devices.map((x) => new ProtocolAddress(accountUuid(id), x)),
    );
    // Our own devices send no delivery receipts: ✓✓ waits for the other members only.
    const delivery = Object.fromEntries([...reached].filter(([id]) => id !== d.self.accountId));
    const m = await d.store.getMessage(item.id);
    const nobodyElse = Object.keys(delivery).length === 0;
    const marks = m ? [{ ...m, delivery, ...(nobodyElse ? { status: 'delivered' as const } : {}) }] : [];
    if (recipients.length === 0) {
      await d.store.apply({ putMessages: marks });
      return undefined;
    }
    const skm = await groupEncrypt(own, entry.distributionId, senderKeys(d.stores), pad(item.content));
    const usmc = UnidentifiedSenderMessageContent.create(
      skm,
      await d.certificate(d.now()),
      ContentHint.Resendable,
      entry.log.groupId,
    );
    const sealed = await sealedSenderMultiRecipientEncrypt(usmc, recipients, uuidStores(d.stores));
    // The chain step is committed before the bytes leave: a message key is never used twice.
    await d.store.apply({ records: d.stores.takeWrites(), putMessages: marks });
    return sealed;
  });
  if (!body) return [];
  const res = await d.api.multiRecipient(fromHex(item.id), item.ttlSeconds, body, allDevices);
  if (res.missing && res.missing.length > 0) return res.missing;
  if (res.refused.length > 0) {
    const who = [...new Set(res.refused.map((r) => r.accountId))];
    const names = await Promise.all(who.map((id) => memberName(d.contacts, id)));
    d.emit({
      type: 'error',
      error: new ClientError(
        'ServerError',
        `the server could not queue a group message for ${names.join(', ')}`,
        {
          refused: res.refused,
        },
      ),
    });
  }
  return [];
}
