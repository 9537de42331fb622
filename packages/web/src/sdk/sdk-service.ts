/**
 * ChatService over the client SDK (TacetClient): maps SDK events to the
 * screens' events, keeps the connection up (reconnecting when the browser
 * comes back online), and turns "server unreachable" on send into a pending
 * message rather than an error — the SDK keeps it in the outbox.
 */
import {
  ClientError,
  type ClientEvent,
  type Contact,
  type OutgoingFile,
  type SendFileOptions,
  type TacetClient,
} from '@tacet/client';
import type {
  ChatService,
  ConnectionState,
  ContactView,
  DeviceNoticeView,
  GroupWarningView,
  SafetyNumberView,
  ServiceEvent,
} from '../app/service.js';
import { objectUrl, opfsSink } from '../attachments/opfs-files.js';
import { prepareBrowserFile } from '../attachments/prepare-browser-file.js';
import { NoticeBuffer } from './notice-buffer.js';

const RETRY_MS = 2_000;

/** @example const service = startSdkService(client) */
export function startSdkService(client: TacetClient): ChatService {
  const listeners = new Set<(e: ServiceEvent) => void>();
  let state: ConnectionState = 'connecting';
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const groupWarnings = new NoticeBuffer<GroupWarningView>();
  const deviceNotices = new NoticeBuffer<DeviceNoticeView>();
  // The SDK tells of a pause before its store has it: until accepted, the event is taken at its word.
  const pausedByEvent = new Set<string>();
  const emit = (e: ServiceEvent) => {
    for (const l of listeners) l(e);
  };
  /** A group change of ours: once every member's copy is committed, the screens re-read the group. */
  const changeGroup = async (change: Promise<unknown>) => {
    await change;
    emit({ type: 'groups' });
  };
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    emit({ type: 'connection', state });
  };
  const connect = () => {
    clearTimeout(retry);
    if (closed) return;
    client.connect().catch(() => {
      setState('offline');
      retry = setTimeout(connect, RETRY_MS);
    });
  };
  const onOnline = () => connect();
  addEventListener('online', onOnline);
  client.on((e) => {
    if (e.type === 'group-warning') {
      const { reason, detail, signer } = e;
      groupWarnings.add(e.groupId, { reason, detail, signer });
      emit({ type: 'group-warning', groupId: e.groupId });
    }
    if (e.type === 'devices-changed') {
      if (e.paused) pausedByEvent.add(e.contact.accountId);
      deviceNotices.add(e.contact.accountId, { devices: e.devices.length, paused: e.paused === true });
      emit({ type: 'device-notice', contactId: e.contact.accountId });
    }
    onClientEvent(e, emit, setState);
  });
  connect();

  return {
    accountId: client.accountId,
    connection: () => state,
    listContacts: () => listContacts(client, pausedByEvent),
    async addContact(id, name) {
      await client.addContact(id, name);
      emit({ type: 'contacts' });
    },
    async renameContact(contactId, name) {
      await client.renameContact(contactId, name);
      emit({ type: 'contacts' });
    },
    async deleteContact(contactId) {
      await client.deleteContact(contactId);
      emit({ type: 'contacts' });
      emit({ type: 'messages', contactId });
    },
    listMessages: (contactId) => client.messages(contactId),
    async send(contactId, text, replyTo) {
      await tolerateWaiting(
        client.send(contactId, text, replyTo === undefined ? {} : { replyTo }).then(() => undefined),
      );
    },
    async setTimer(contactId, seconds) {
      const change = client.setTimer(contactId, seconds);
      emit({ type: 'contacts' });
      await tolerateWaiting(change.then(() => undefined));
      emit({ type: 'contacts' });
    },
    sendFile: (contactId, file, onProgress) =>
      sendPrepared(file, onProgress, (prepared, opts) => client.sendFile(contactId, prepared, opts)),
    async openAttachment(messageId, onProgress) {
      const m = await client.store.getMessage(messageId);
      if (!m?.attachment) throw new ClientError('AttachmentUnavailable', 'that message is gone');
      const location =
        (await client.savedAttachment(messageId)) ??
        (await client.saveAttachment(messageId, await opfsSink(), (done, total) => onProgress(done / total)));
      return objectUrl(location, m.attachment.contentType);
    },
    react: (id, emoji) => tolerateWaiting(client.react(id, emoji)),
    edit: (id, text) => tolerateWaiting(client.edit(id, text)),
    deleteForEveryone: (id) => tolerateWaiting(client.deleteForEveryone(id)),
    readReceipts: () => client.readReceipts(),
    setReadReceipts: (on) => client.setReadReceipts(on),
    markRead: (ids) => tolerateWaiting(client.markRead(ids)),
    async deleteAccount() {
      closed = true;
      clearTimeout(retry);
      removeEventListener('online', onOnline);
      await client.deleteAccount();
    },
    safetyNumber: (contactId) => safetyNumber(client, contactId),
    async markVerified(contactId) {
      await client.verify(contactId);
      emit({ type: 'contacts' });
    },
    async acceptIdentityChange(contactId) {
      await client.acceptIdentity(contactId);
      await dropVerification(client, contactId);
      emit({ type: 'contacts' });
    },
    listDeviceNotices: async (contactId) => deviceNotices.list(contactId),
    async acceptDevices(contactId) {
      await client.acceptDevices(contactId);
      pausedByEvent.delete(contactId);
      emit({ type: 'contacts' });
    },
    async acceptClaim(contactId) {
      await client.acceptClaim(contactId);
      emit({ type: 'contacts' });
      emit({ type: 'messages', contactId });
    },
    async markDisplayed(_contactId, ids) {
      await client.markDisplayed(ids);
    },
    listGroups: () => client.groups.list(),
    async createGroup(name, memberIds) {
      const group = await client.groups.create(name, memberIds);
      emit({ type: 'groups' });
      return group;
    },
    addGroupMembers: (groupId, memberIds) => changeGroup(client.groups.add(groupId, memberIds)),
    removeGroupMember: (groupId, accountId) => changeGroup(client.groups.remove(groupId, accountId)),
    leaveGroup: (groupId) => changeGroup(client.groups.leave(groupId)),
    renameGroup: (groupId, name) => changeGroup(client.groups.rename(groupId, name)),
    promoteGroupMember: (groupId, accountId) => changeGroup(client.groups.promote(groupId, accountId)),
    demoteGroupMember: (groupId, accountId) => changeGroup(client.groups.demote(groupId, accountId)),
    listGroupMessages: (groupId) => client.groups.messages(groupId),
    async sendToGroup(groupId, text, replyTo) {
      const opts = replyTo === undefined ? {} : { replyTo };
      await tolerateOffline(client.groups.send(groupId, text, opts).then(() => undefined));
    },
    sendFileToGroup: (groupId, file, onProgress) =>
      sendPrepared(file, onProgress, (prepared, opts) => client.groups.sendFile(groupId, prepared, opts)),
    setGroupTimer: (groupId, seconds) => changeGroup(client.groups.setTimer(groupId, seconds)),
    listGroupWarnings: async (groupId) => groupWarnings.list(groupId),
    groupDelivery: (messageId) => client.groups.delivery(messageId),
    devices: () => client.devices(),
    async linkDevice(code) {
      const link = await client.linkDevice(code);
      return {
        comparison: link.comparison,
        async confirm() {
          const linked = await link.confirm();
          emit({ type: 'devices' });
          return linked;
        },
        cancel: () => link.cancel(),
      };
    },
    async removeDevice(deviceId) {
      await client.removeDevice(deviceId);
      emit({ type: 'devices' });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      removeEventListener('online', onOnline);
      await client.close();
    },
  };
}

/** Cleans a picked file, then sends it with `send` (to a contact or a group), reporting the share uploaded. */
async function sendPrepared(
  file: File,
  onProgress: (fraction: number) => void,
  send: (prepared: OutgoingFile, opts: SendFileOptions) => Promise<unknown>,
): Promise<{ mayCarryMetadata: boolean }> {
  const prepared = await prepareBrowserFile(file);
  await send(prepared, { onProgress: (done, total) => onProgress(done / total) });
  return { mayCarryMetadata: prepared.mayCarryMetadata };
}

/** An action queued while offline goes out on the next connection, like a message: pending, not an error. */
async function tolerateOffline(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ClientError && err.is('ServerUnreachable'))) throw err;
  }
}

/**
 * A 1:1 message or action the SDK kept in its outbox is shown as pending: it
 * goes out on the next connection, or — a verified contact's devices changed,
 * which their conversation explains — once the person accepts the change.
 */
async function tolerateWaiting(p: Promise<void>): Promise<void> {
  try {
    await tolerateOffline(p);
  } catch (err) {
    if (!(err instanceof ClientError && err.is('DevicesChanged'))) throw err;
  }
}

function onClientEvent(
  e: ClientEvent,
  emit: (e: ServiceEvent) => void,
  setState: (s: ConnectionState) => void,
) {
  switch (e.type) {
    case 'message':
    case 'updated':
      emit({
        type: 'messages',
        contactId: e.message.conversationId,
        // A received file counts as a new message, as a text does; a timer change does not.
        arrived: e.type === 'message' && e.message.direction === 'in' && e.message.kind !== 'timer',
        ...(e.message.from === undefined ? {} : { from: e.message.from }),
      });
      if (e.message.kind === 'timer') emit({ type: 'contacts' });
      break;
    case 'expired':
      emit({ type: 'messages', contactId: '*' });
      break;
    case 'identity-changed':
    case 'identity-claim':
    case 'devices-changed':
      emit({ type: 'contacts' });
      break;
    case 'group-changed':
      emit({ type: 'groups' });
      emit({ type: 'messages', contactId: e.group.conversationId });
      break;
    case 'connection':
      setState(e.state === 'open' ? 'online' : e.state === 'reconnecting' ? 'connecting' : 'offline');
      break;
    default:
      break;
  }
}

/** `pausedByEvent`: contacts a devices-changed event paused, whose pause the store may not show yet. */
async function listContacts(client: TacetClient, pausedByEvent: ReadonlySet<string>): Promise<ContactView[]> {
  const contacts = await client.contacts.list();
  const claims = new Map((await client.claims()).map((c) => [c.accountId, c]));
  return Promise.all(
    contacts.map(async (c) => {
      const claim = claims.get(c.accountId);
      return {
        id: c.accountId,
        name: c.name,
        ...(await trustOf(client, c)),
        devicesPaused: pausedByEvent.has(c.accountId) || (await client.devicesPaused(c.accountId)),
        timerSeconds: c.timerSeconds,
        ...(claim ? { claim: { confirmed: claim.confirmed, held: claim.held } } : {}),
      };
    }),
  );
}

/** Verified means: the person compared safety numbers for the key in use now (a changed key is never verified). */
async function trustOf(
  client: TacetClient,
  c: Contact,
): Promise<{ verified: boolean; identityChanged: boolean; wasVerified: boolean }> {
  const identityChanged = await client.isUntrusted(c.accountId);
  const wasVerified = c.verifiedKey !== undefined;
  return { verified: wasVerified && !identityChanged, identityChanged, wasVerified };
}

/**
 * Accepting a changed key without comparing safety numbers must not leave the
 * old "verified" mark on the new key.
 */
async function dropVerification(client: TacetClient, contactId: string): Promise<void> {
  const { verifiedKey, ...rest } = await client.contacts.get(contactId);
  if (verifiedKey !== undefined) await client.store.apply({ records: client.contacts.writes(rest) });
}

async function safetyNumber(client: TacetClient, contactId: string): Promise<SafetyNumberView> {
  const sn = await client.safetyNumber(contactId);
  return { digits: sn.digits, qr: sn.scannable };
}
