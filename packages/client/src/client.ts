/**
 * TacetClient: the SDK's one entry point. It wires the store, the protocol
 * stores, the server connection, the outbox and the expiry scheduler, and
 * exposes what a UI needs: contacts, conversations, send, timers, trust.
 * Node and browsers differ only in the store and WebSocket they pass in.
 */
import type { IdentityKeyPair } from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import {
  type AccountInfo,
  loadAccount,
  type PowProgress,
  type PowSolver,
  registerAccount,
} from './account/register.js';
import type { AttachmentSink } from './attachments/download.js';
import {
  AttachmentTransfers,
  checkedCaption,
  type OutgoingFile,
  type SendFileOptions,
  uploadOptions,
} from './attachments/transfers.js';
import type { TransferProgress } from './attachments/upload.js';
import { type Contact, Contacts } from './contacts.js';
import type { Action } from './content/actions.js';
import { type Content, encodeContent, MAX_TEXT_LENGTH } from './content/content.js';
import { devicesPaused } from './devices/device-changes.js';
import { ownDeviceList, siblingCount } from './devices/own-device-list.js';
import { unlinkDevice } from './devices/unlink-device.js';
import { ClientError } from './errors.js';
import { type ClientListener, Emitter } from './events.js';
import { isGroupConversation } from './groups/group-book.js';
import { Groups } from './groups/groups.js';
import { beginExistingDeviceLink, type ExistingDeviceLink } from './linking/existing-device.js';
import { beginNewDeviceLink } from './linking/new-device.js';
import { contentIdOf, selfAuthor } from './messenger/apply-action.js';
import { type IdentityClaim, listClaims } from './messenger/held-apart.js';
import { Network } from './messenger/network.js';
import { compareHistory, nextClock } from './messenger/ordering.js';
import {
  deviceIds,
  identityUntrusted,
  needsReverification,
  untrustedError,
} from './messenger/peer-crypto.js';
import { displayedSyncItem } from './messenger/sync.js';
import { type SafetyNumber, safetyNumber } from './safety-number.js';
import { ProtocolStores } from './sessions/protocol-stores.js';
import type { ClientStore, MessageRecord, OutboxItem } from './store/types.js';
import { WriteBehindStore } from './store/write-behind.js';
import { type Clock, systemClock } from './timers/clock.js';
import { isValidTimer } from './timers/duration.js';
import { ExpiryScheduler } from './timers/expiry-scheduler.js';
import { AttachmentApi } from './transport/attachment-api.js';
import type { WebSocketFactory } from './transport/connection.js';
import { HttpApi } from './transport/http-api.js';
import { fromHex, randomId, toHex } from './util.js';

type OutgoingContent = Content & { kind: 'text' | 'timer' | 'attachment' };

const SETTINGS_NS = 'settings';
const READ_RECEIPTS = 'read-receipts';

function checkText(text: string): void {
  if (text.length === 0 || text.length > MAX_TEXT_LENGTH) {
    throw new ClientError('InvalidContent', `a message must have 1 to ${MAX_TEXT_LENGTH} characters`);
  }
}

/** Builds an outgoing item from the current contact, the item's Lamport clock and its send time. */
type OutgoingBuilder = (
  peer: Contact,
  clock: number,
  sentAt: number,
) => { content: OutgoingContent; contact: Contact };

/** A send waiting for the commit that queues it. */
interface OutgoingRequest {
  readonly peerId: string;
  readonly build: OutgoingBuilder;
  readonly resolve: (id: string) => void;
  readonly reject: (e: unknown) => void;
}

export interface TacetClientOptions {
  readonly store: ClientStore;
  /** How to open a WebSocket (Node: `nodeWebSocket` from "@tacet/client/node"; browsers: the global). */
  readonly webSocket: WebSocketFactory;
  readonly clock?: Clock;
  /** Removes a saved attachment copy when its message expires (Node: `shredFile` from "@tacet/client/node"). */
  readonly shredFile?: (location: string) => Promise<void>;
  /**
   * Longest that cleanup after a server ack, and receipts received, wait to
   * ride on the next commit before committing alone (store/write-behind.ts);
   * default 200 ms.
   */
  readonly deferMs?: number;
  /**
   * Receipts for a sender's messages arriving within this many ms of the
   * last receipt to them gather into one (messenger/receipt-window.ts);
   * default 200 ms.
   */
  readonly receiptWindowMs?: number;
}

/** Linking this (new) device to an account: see {@link TacetClient.beginLink}. */
export interface NewDeviceLinking {
  /** Show this text; the person enters it on a device of the account (`tacet devices link CODE`). */
  readonly code: string;
  /** When the code stops working (ms since the epoch). */
  readonly expiresAt: number;
  /** Waits for the other device; resolves the comparison code to show. */
  comparison(): Promise<string>;
  /** The person confirmed both devices show the same code: resolves the client of the linked account. */
  confirm(): Promise<TacetClient>;
  /** Gives up; the profile stays empty. */
  cancel(): Promise<void>;
}

/**
 * @example
 * const client = await TacetClient.open({ store, webSocket: nodeWebSocket });
 * client.on((e) => e.type === 'message' && console.log(e.message.body));
 * await client.connect();
 * await client.send('alice', 'hi');
 */
export class TacetClient {
  readonly store: ClientStore;
  readonly account: AccountInfo;
  readonly contacts: Contacts;
  /** Groups: create, change, send, list (groups/groups.ts; docs/groups.md). */
  readonly groups: Groups;
  readonly #stores: ProtocolStores;
  readonly #clock: Clock;
  readonly #events = new Emitter();
  readonly #scheduler: ExpiryScheduler;
  readonly #net: Network;
  readonly #waitingOut: OutgoingRequest[] = [];
  #committingOut = false;
  readonly #files: AttachmentTransfers;

  private constructor(opts: TacetClientOptions, account: AccountInfo) {
    // Everything reads and writes through the overlay of deferred writes, so all see the same state.
    const store = new WriteBehindStore(opts.store, {
      delayMs: opts.deferMs,
      onError: (error) => this.#events.emit({ type: 'error', error }),
    });
    this.store = store;
    this.account = account;
    const stores = new ProtocolStores(store);
    this.#stores = stores;
    this.#clock = opts.clock ?? systemClock;
    this.contacts = new Contacts(this.store);
    this.#scheduler = new ExpiryScheduler({
      store: this.store,
      clock: this.#clock,
      onExpired: (ids) => {
        this.#events.emit({ type: 'expired', ids });
        void this.#files
          .shredExpired(ids)
          .catch((error: Error) => this.#events.emit({ type: 'error', error }));
      },
      onError: (error) => this.#events.emit({ type: 'error', error: error as Error }),
    });
    this.#files = new AttachmentTransfers(
      new AttachmentApi(account.serverUrl, account),
      this.store,
      opts.shredFile,
    );
    this.#net = new Network({
      store,
      stores,
      contacts: this.contacts,
      account,
      clock: this.#clock,
      webSocket: opts.webSocket,
      emit: (e) => this.#events.emit(e),
      onStored: (deadline) => void this.#scheduler.poke(deadline),
      ...(opts.receiptWindowMs !== undefined ? { receiptWindowMs: opts.receiptWindowMs } : {}),
    });
    this.groups = new Groups({
      store,
      stores,
      contacts: this.contacts,
      clock: this.#clock,
      self: account.accountId,
      emit: (e) => this.#events.emit(e),
      exclusive: (fn) => this.#net.exclusive(fn),
      deliver: async (id) => {
        await this.#net.deliver(id);
      },
      learn: (c) => this.#net.startSession(c),
      files: this.#files,
    });
  }

  /** Creates an account on `serverUrl` (solving its proof-of-work) in an empty profile. */
  static async register(
    opts: TacetClientOptions & { serverUrl: string; onProgress?: PowProgress; solvePow?: PowSolver },
  ) {
    const stores = new ProtocolStores(opts.store);
    const account = await registerAccount(
      opts.store,
      stores,
      opts.serverUrl,
      opts.onProgress,
      undefined,
      opts.solvePow,
    );
    return TacetClient.#start(opts, account);
  }

  /**
   * Starts linking an empty profile to an existing account as its next
   * device (docs/provisioning.md). Show `code`; after `comparison()` show the
   * comparison code and ask the person whether the other device shows the
   * same; then `confirm()` (or `cancel()`).
   * @example
   * const link = await TacetClient.beginLink({ store, webSocket, serverUrl });
   * print(link.code);
   * print(await link.comparison());
   * const client = await link.confirm();
   */
  static async beginLink(opts: TacetClientOptions & { serverUrl: string }): Promise<NewDeviceLinking> {
    const link = await beginNewDeviceLink(opts.store, opts.serverUrl);
    return {
      code: link.code,
      expiresAt: link.expiresAt,
      comparison: () => link.comparison(),
      confirm: async () => TacetClient.#start(opts, await link.confirm()),
      cancel: () => link.cancel(),
    };
  }

  /** Opens a registered profile; throws NotRegistered on an empty one. */
  static async open(opts: TacetClientOptions): Promise<TacetClient> {
    const account = await loadAccount(opts.store);
    if (!account) {
      throw new ClientError(
        'NotRegistered',
        'this profile has no account yet; run: tacet register --server URL',
      );
    }
    return TacetClient.#start(opts, account);
  }

  static async #start(opts: TacetClientOptions, account: AccountInfo) {
    const c = new TacetClient(opts, account);
    await c.#scheduler.poke();
    // Messages shredded while no client ran (the CLI's reaper has no passphrase) leave saved copies: shred them now.
    await c.#files.shredOrphans();
    return c;
  }

  get accountId(): string {
    return this.account.accountId;
  }

  /** This account's devices as its newest signed device list names them, this one marked. */
  async devices(): Promise<{ deviceId: number; registrationId: number; current: boolean }[]> {
    const list = await ownDeviceList(this.#stores);
    return (list?.devices ?? []).map((d) => ({ ...d, current: d.deviceId === this.account.deviceId }));
  }

  /**
   * Links a new device from the code it shows: resolves the comparison code
   * to show; once the person confirms both devices show the same, `confirm()`
   * adds the device, signs the device list naming it and hands it the
   * account (identity key, contacts, verification marks, timers).
   * A code from a device that is not the person's own gets another account.
   * @example
   * const link = await client.linkDevice(code);
   * if (await ask(`does the new device show ${link.comparison}?`)) await link.confirm(); else link.cancel();
   */
  async linkDevice(code: string): Promise<ExistingDeviceLink> {
    return beginExistingDeviceLink(
      { ...(await this.#deviceContext()), exclusive: (fn) => this.#net.exclusive(fn) },
      code,
    );
  }

  /**
   * Unlinks device `deviceId` of this account: signs the device list without
   * it (contacts stop encrypting to it) and has the server revoke its
   * credential, keys and queue.
   */
  async removeDevice(deviceId: number): Promise<void> {
    const ctx = await this.#deviceContext();
    await this.#net.exclusive(() => unlinkDevice(ctx, deviceId));
  }

  async #deviceContext() {
    return {
      store: this.store,
      stores: this.#stores,
      account: this.account,
      api: new HttpApi(this.account.serverUrl, this.account),
      identity: await this.identityKey(),
    };
  }

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: ClientListener): () => void {
    return this.#events.on(listener);
  }

  async identityKey(): Promise<IdentityKeyPair> {
    return this.#stores.identities.getIdentityKeyPair();
  }

  /**
   * Adds a contact after asking the server that the account exists (without
   * claiming a prekey), so a mistyped or deleted id is refused here instead of
   * leaving a first message stuck in "sending".
   */
  async addContact(accountId: string, name: string): Promise<Contact> {
    const { contact, writes } = await this.contacts.prepareAdd(accountId, name, this.#clock.now());
    if (contact.accountId === this.accountId)
      throw new ClientError(
        'InvalidAccountId',
        'that is your own id; add the id of the person you want to talk to',
      );
    if (!(await this.#net.accountExists(contact.accountId))) {
      throw new ClientError(
        'NoSuchAccount',
        `no such account: nobody on this server has the id ${contact.accountId}; check it with the person`,
      );
    }
    await this.store.apply({ records: writes });
    return contact;
  }

  /**
   * Deletes the account on the server, then closes this client. The caller
   * shreds the local profile next (the CLI removes its files; the web deletes
   * its IndexedDB profile): nothing of the account is left anywhere.
   */
  async deleteAccount(): Promise<void> {
    await this.#net.deleteAccount();
    await this.close();
  }

  /** Gives a contact a new local name. */
  async renameContact(nameOrId: string, name: string): Promise<Contact> {
    const { contact, writes } = await this.contacts.prepareRename(nameOrId, name);
    await this.store.apply({ records: writes });
    return contact;
  }

  /**
   * Forgets a contact and shreds the conversation: every message (row and
   * key) and every unsent item to them go in one batch. Emits `expired` with
   * the shredded ids so screens drop them.
   */
  async deleteContact(nameOrId: string): Promise<void> {
    const ids = await this.#net.exclusive(async () => {
      const c = await this.contacts.get(nameOrId);
      const messages = await this.store.listMessages(c.accountId, 0); // 0: expired-but-unreaped ones too
      const outbox = (await this.store.listOutbox()).filter((o) => o.recipient === c.accountId);
      await this.store.apply({
        // The pinned identity key and any unaccepted change stay: re-adding must not launder a key change.
        records: this.contacts.removals(c),
        deleteMessages: messages.map((m) => m.id),
        deleteOutbox: outbox.map((o) => o.id),
      });
      return messages.map((m) => m.id);
    });
    this.#events.emit({ type: 'expired', ids });
  }

  /**
   * The conversation with a contact in the senders' authenticated order
   * (send time, sender, Lamport clock: messenger/ordering.ts), the same on
   * both sides whatever order the server delivered in; expired items never appear.
   */
  async messages(name: string): Promise<MessageRecord[]> {
    const c = await this.contacts.get(name);
    const items = await this.store.listMessages(c.accountId, this.#clock.now());
    return items.sort((a, b) => compareHistory(a, b, this.accountId));
  }

  /**
   * Whether sending to `name` is blocked: an unaccepted identity-key change,
   * or a verified contact whose new key was accepted but not verified yet.
   */
  async isUntrusted(name: string): Promise<boolean> {
    const c = await this.contacts.get(name);
    return (await identityUntrusted(this.#stores, c.accountId)) || needsReverification(this.#stores, c);
  }

  /** Open claims "a new key claims to be NAME", each with its held-apart message count. */
  async claims(): Promise<Array<IdentityClaim & { name: string }>> {
    const out = [];
    for (const claim of await listClaims(this.store)) {
      const name = (await this.contacts.byId(claim.accountId))?.name ?? claim.accountId;
      out.push({ ...claim, name });
    }
    return out;
  }

  /**
   * Accepts the new key claiming to be `name`, if the server's directory
   * lists it now (else ClaimNotConfirmed): the held messages then appear in
   * the conversation. Resolves how many were held. For a verified contact,
   * sending stays blocked until `verify` (compare the new safety number first).
   */
  async acceptClaim(name: string): Promise<number> {
    // A claim may name someone not (yet) in the contacts: then `name` is their account id.
    const c = (await this.contacts.find(name)) ?? { accountId: name, name };
    const n = await this.#net.acceptClaim(c);
    await this.#scheduler.poke();
    return n;
  }

  /**
   * The user looked at a verified contact's changed device list (they
   * confirmed the linked or removed device is theirs): the messages waiting
   * with DevicesChanged are sent. Resolves false if nothing was paused.
   */
  async acceptDevices(name: string): Promise<boolean> {
    return this.#net.acceptDevices(await this.contacts.get(name));
  }

  /** Whether sending to verified contact `name` waits for acceptDevices (their device list changed). */
  async devicesPaused(name: string): Promise<boolean> {
    return devicesPaused(this.#stores, await this.contacts.get(name));
  }

  /** Sends a text; resolves once the server has durably stored it. */
  async send(name: string, text: string, opts: { replyTo?: string } = {}): Promise<MessageRecord> {
    checkText(text);
    const c = await this.#sendable(name);
    const quoted = opts.replyTo === undefined ? undefined : await this.#target(opts.replyTo, c.accountId);
    const replyTo = quoted && fromHex(quoted.contentId);
    return this.#queue(c.accountId, (peer, clock, sentAt) => ({
      content: {
        kind: 'text',
        id: randomId(),
        sentAt,
        clock,
        body: text,
        timerSeconds: peer.timerSeconds,
        ...(replyTo ? { replyTo } : {}),
      },
      contact: peer,
    }));
  }

  /** Reacts to a message of a conversation (ours or theirs); '' takes the reaction back. */
  async react(messageId: string, emoji: string): Promise<void> {
    const { m, contentId } = await this.#target(messageId);
    const updated = { ...m, reactions: selfAuthor.react(m.reactions ?? {}, emoji) };
    await this.#act(m.conversationId, { type: 'reaction', target: fromHex(contentId), emoji }, updated);
  }

  /** Edits one of our own texts, here and on the peer's side (shown there as edited). */
  async edit(messageId: string, text: string): Promise<void> {
    checkText(text);
    const { m } = await this.#target(messageId);
    if (m.direction !== 'out' || m.kind !== 'text')
      throw new ClientError('InvalidContent', 'only your own text messages can be edited');
    const updated = { ...m, body: text, editedAt: this.#clock.now() };
    await this.#act(m.conversationId, { type: 'edit', target: fromHex(m.id), body: text }, updated);
  }

  /** Deletes one of our own messages for everyone: shredded here at once, and on the peer's side when it arrives. */
  async deleteForEveryone(messageId: string): Promise<void> {
    const { m } = await this.#target(messageId);
    if (m.direction !== 'out')
      throw new ClientError('InvalidContent', 'only your own messages can be deleted for everyone');
    await this.#act(m.conversationId, { type: 'delete', target: fromHex(m.id) }, null, m.id);
    this.#events.emit({ type: 'expired', ids: [m.id] });
  }

  /** Whether this profile sends read receipts (off unless turned on). */
  async readReceipts(): Promise<boolean> {
    return (await this.store.getRecord(SETTINGS_NS, READ_RECEIPTS))?.[0] === 1;
  }

  async setReadReceipts(on: boolean): Promise<void> {
    await this.store.apply({
      records: [{ ns: SETTINGS_NS, key: READ_RECEIPTS, value: new Uint8Array([on ? 1 : 0]) }],
    });
  }

  /**
   * The person has seen these incoming messages: when read receipts are on,
   * tell their senders (one encrypted receipt per conversation). Off: nothing is sent.
   */
  async markRead(ids: readonly string[]): Promise<void> {
    if (ids.length === 0 || !(await this.readReceipts())) return;
    const byPeer = new Map<string, Uint8Array[]>();
    for (const id of ids) {
      const m = await this.store.getMessage(id);
      // Group messages send no read receipts (a group's ✓✓ is its per-member delivery).
      if (m?.direction !== 'in' || !m.contentId || isGroupConversation(m.conversationId)) continue;
      byPeer.set(m.conversationId, [...(byPeer.get(m.conversationId) ?? []), fromHex(m.contentId)]);
    }
    for (const [peer, targets] of byPeer)
      await this.#act(peer, { type: 'read', targets: targets.slice(0, 256) }, null);
  }

  /**
   * Sends a raw action to a contact. The UI calls react/edit/deleteForEveryone;
   * this exists so tests can act as a modified client would (the receiver must
   * not trust it).
   * @internal
   */
  async sendAction(name: string, action: Action): Promise<void> {
    const c = await this.#sendable(name);
    await this.#act(c.accountId, action, null);
  }

  /** A message by local id, with the content id the peer knows it by; `conv` pins the conversation. */
  async #target(messageId: string, conv?: string): Promise<{ m: MessageRecord; contentId: string }> {
    const m = await this.store.getMessage(messageId);
    const contentId = m && contentIdOf(m);
    if (!m || !contentId || (conv !== undefined && m.conversationId !== conv))
      throw new ClientError(
        'UnknownContact',
        'no such message in this conversation (it may have disappeared)',
      );
    return { m, contentId };
  }

  /**
   * Queues an action with its local effect (an updated or deleted message) in
   * one batch, then waits for the server like any send.
   */
  async #act(peerId: string, action: Action, updated: Omit<MessageRecord, 'seq'> | null, deleted?: string) {
    // A group's message: to every member under the sender key.
    if (isGroupConversation(peerId) && action.type !== 'read')
      return this.groups.act(peerId, action, updated, deleted);
    if (await identityUntrusted(this.#stores, peerId)) {
      const c = await this.contacts.byId(peerId);
      throw untrustedError(c?.name ?? peerId);
    }
    const sentAt = this.#clock.now();
    const content: Content = { kind: 'action', id: randomId(), sentAt, action };
    const id = toHex(content.id);
    await this.#net.exclusive(() =>
      this.store.apply({
        putOutbox: [
          { id, recipient: peerId, content: encodeContent(content), createdAt: sentAt, ttlSeconds: 0 },
        ],
        ...(updated ? { putMessages: [updated] } : {}),
        ...(deleted ? { deleteMessages: [deleted] } : {}),
      }),
    );
    if (updated) this.#events.emit({ type: 'updated', message: updated as MessageRecord });
    await this.#net.deliver(id);
  }

  /**
   * Encrypts and uploads a file, then sends its pointer (with an optional
   * caption) like a text. Strip metadata first (prepareFile in "@tacet/client/node").
   * Throws AttachmentTooLarge before any upload when the server's cap is smaller.
   */
  async sendFile(name: string, file: OutgoingFile, opts: SendFileOptions = {}): Promise<MessageRecord> {
    const caption = checkedCaption(opts);
    const c = await this.#sendable(name);
    let devices = await deviceIds(this.#stores, c.accountId);
    if (devices.length === 0) {
      await this.#startSession(c);
      devices = await deviceIds(this.#stores, c.accountId);
    }
    // Our other devices get the pointer too (a sync transcript) and may fetch it: the blob waits for them.
    const siblings = await siblingCount(this.#stores);
    const upload = uploadOptions(opts, devices.length + siblings, c.timerSeconds);
    return this.#files.send(c.accountId, file, upload, (pointer) =>
      this.#queue(c.accountId, (peer, clock, sentAt) => ({
        content: {
          kind: 'attachment',
          id: randomId(),
          sentAt,
          clock,
          body: caption,
          timerSeconds: peer.timerSeconds,
          pointer,
        },
        contact: peer,
      })),
    );
  }

  /**
   * Downloads, checks and decrypts a received attachment into `sink`; resolves
   * where it went. A tampered blob throws AttachmentCorrupt and the sink is aborted.
   */
  async saveAttachment(
    messageId: string,
    sink: AttachmentSink,
    onProgress?: TransferProgress,
  ): Promise<string> {
    const m = await this.store.getMessage(messageId);
    if (!m) {
      await sink.abort();
      throw new ClientError('AttachmentUnavailable', 'that message is gone (expired?)');
    }
    return this.#files.save(m, sink, onProgress);
  }

  /** Where a message's attachment was saved by {@link saveAttachment}, if it was (and has not expired). */
  savedAttachment(messageId: string): Promise<string | undefined> {
    return this.#files.location(messageId);
  }

  /** Changes the conversation's timer (0 = off); the change is itself a message. */
  async setTimer(name: string, seconds: number): Promise<MessageRecord> {
    if (!isValidTimer(seconds)) throw new ClientError('InvalidDuration', 'the timer must be off or 5s..4w');
    const c = await this.#sendable(name);
    return this.#queue(c.accountId, (peer, clock, sentAt) => ({
      content: { kind: 'timer', id: randomId(), sentAt, clock, timerSeconds: seconds },
      // Our own change is the newest version we know: it takes effect here at once.
      contact: { ...peer, timerSeconds: seconds, timerVersion: { clock, sentAt, by: this.accountId } },
    }));
  }

  /** Starts the recipient's countdown for items now on screen. */
  async markDisplayed(ids: readonly string[]): Promise<MessageRecord[]> {
    const now = this.#clock.now();
    const changed: MessageRecord[] = [];
    for (const id of ids) {
      const m = await this.store.getMessage(id);
      if (m?.direction !== 'in' || m.expiresAt !== null || m.timerSeconds === 0) continue;
      changed.push({ ...m, expiresAt: now + m.timerSeconds * 1000 });
    }
    if (changed.length === 0) return changed;
    // Our other devices start the same deadlines (messenger/sync.ts): a message disappears everywhere at once.
    const byPeer = new Map<string, Uint8Array[]>();
    for (const m of changed)
      if (m.contentId && !isGroupConversation(m.conversationId))
        byPeer.set(m.conversationId, [...(byPeer.get(m.conversationId) ?? []), fromHex(m.contentId)]);
    const syncs =
      (await this.devices()).length > 1
        ? [...byPeer].map(([peer, ids]) => displayedSyncItem(this.accountId, peer, ids, now))
        : [];
    await this.store.apply({ putMessages: changed, putOutbox: syncs });
    for (const message of changed) this.#events.emit({ type: 'updated', message });
    if (syncs.length > 0) void this.#net.flush().catch(() => undefined);
    await this.#scheduler.poke();
    return changed;
  }

  /**
   * Accepts `name`'s current identity key (after a change), unblocking sending.
   * A verified contact's new key is refused here (UntrustedIdentity): only `verify` accepts it.
   */
  async acceptIdentity(name: string): Promise<void> {
    const c = await this.contacts.get(name);
    const { latest } = await this.#stores.trustState(c.accountId);
    if (c.verifiedKey !== undefined && latest !== undefined && c.verifiedKey !== toHex(latest)) {
      // A verified contact's new key is accepted only by verifying it (issue 9, item 1).
      throw new ClientError(
        'UntrustedIdentity',
        `you verified ${c.name} before: nothing is sent to the new key until you compare the new safety ` +
          `number (tacet safety-number ${c.name}) and run tacet verify ${c.name}`,
        { name: c.name, reverify: true },
      );
    }
    await this.#stores.acceptIdentity(c.accountId);
    const untrusted = { ns: 'untrusted', key: c.accountId, value: null };
    await this.store.apply({ records: [...this.#stores.takeWrites(), untrusted] });
  }

  /**
   * The safety number with `name` over their latest known identity key.
   * `verified`: the user verified exactly this key; `changed`: it differs from the accepted one.
   */
  async safetyNumber(name: string): Promise<SafetyNumber & { verified: boolean; changed: boolean }> {
    const c = await this.contacts.get(name);
    let { latest } = await this.#stores.trustState(c.accountId);
    if (!latest) {
      // No session yet: learn their key from the server (it is pinned on first use, like a session would).
      await this.#startSession(c);
      latest = (await this.#stores.trustState(c.accountId)).latest;
    }
    if (!latest) throw new ClientError('UnknownContact', `no identity key known for ${c.name} yet`);
    const mine = (await this.identityKey()).publicKey.serialize();
    const sn = safetyNumber(mine, parseAccountId(this.accountId), latest, parseAccountId(c.accountId));
    const key = toHex(latest);
    return {
      ...sn,
      verified: c.verifiedKey === key,
      changed: await identityUntrusted(this.#stores, c.accountId),
    };
  }

  /** Marks `name` verified after the user compared safety numbers; also accepts a changed key. */
  async verify(name: string): Promise<void> {
    const c = await this.contacts.get(name);
    const { latest } = await this.#stores.trustState(c.accountId);
    if (!latest)
      throw new ClientError('UnknownContact', `compare safety numbers first: tacet safety-number ${c.name}`);
    await this.#stores.acceptIdentity(c.accountId);
    const writes = this.contacts.writes({ ...c, verifiedKey: toHex(latest) });
    await this.store.apply({
      records: [...this.#stores.takeWrites(), ...writes, { ns: 'untrusted', key: c.accountId, value: null }],
    });
  }

  async #startSession(c: Contact): Promise<void> {
    await this.#net.startSession(c);
  }

  /** Opens the connection (and keeps reopening it until `close`). */
  connect(): Promise<void> {
    return this.#net.connect();
  }

  /** Resolves when the server has handed over everything queued before this connection. */
  waitForDrain(timeoutMs?: number): Promise<void> {
    return this.#net.waitForDrain(timeoutMs);
  }

  /** Tops up prekeys and rotates the signed prekey when due. */
  upkeep(): Promise<void> {
    return this.#net.upkeep();
  }

  /** Stops the connection and timers, waits for in-flight work, closes the store. */
  async close(): Promise<void> {
    this.#scheduler.stop();
    await this.#net.close();
    await this.store.close();
  }

  async #sendable(name: string): Promise<Contact> {
    const c = await this.contacts.get(name);
    if (await this.isUntrusted(c.accountId)) throw untrustedError(c.name);
    return c;
  }

  /**
   * Stores an outgoing item with its outbox entry and the conversation's
   * advanced Lamport clock in one batch, alone with the inbox (so a timer
   * change received meanwhile is neither lost nor overwritten), then sends it.
   */
  async #queue(peerId: string, build: OutgoingBuilder): Promise<MessageRecord> {
    const id = await new Promise<string>((resolve, reject) => {
      this.#waitingOut.push({ peerId, build, resolve, reject });
      if (!this.#committingOut) void this.#commitOutgoing();
    });
    const stored = (await this.store.getMessage(id)) as MessageRecord;
    this.#events.emit({ type: 'message', message: stored });
    // A queued item's countdown starts only at the server's ack (which pokes the scheduler itself).
    if (stored.expiresAt !== null) await this.#scheduler.poke(stored.expiresAt);
    // As marked sent; read back only if it was no longer pending (a receipt came first).
    return (await this.#net.deliver(id)) ?? (await this.store.getMessage(id)) ?? stored;
  }

  /**
   * Commits every outgoing item waiting, each encrypted in that same commit
   * (sending then needs no commit of its own). Items queued while a commit
   * is in flight share the next one: a burst of sends costs one commit.
   */
  async #commitOutgoing(): Promise<void> {
    this.#committingOut = true;
    try {
      while (this.#waitingOut.length > 0) {
        const group = this.#waitingOut.splice(0);
        await this.#net.exclusive(() => this.#commitGroup(group));
      }
    } finally {
      this.#committingOut = false;
    }
  }

  async #commitGroup(group: readonly OutgoingRequest[]): Promise<void> {
    const peers = new Map<string, Contact>();
    const putMessages: Array<Omit<MessageRecord, 'seq'>> = [];
    const putOutbox: OutboxItem[] = [];
    const accepted: Array<{ r: OutgoingRequest; id: string; hand: (() => void) | undefined }> = [];
    for (const r of group) {
      try {
        const peer = peers.get(r.peerId) ?? (await this.contacts.get(r.peerId));
        const clock = nextClock(peer.clock ?? 0);
        const { content, contact } = r.build(peer, clock, this.#clock.now());
        const { message, item } = this.#outgoing(peer.accountId, content);
        const hand = await this.#net.prepare(item);
        peers.set(r.peerId, { ...contact, clock });
        putMessages.push(message);
        putOutbox.push(item);
        accepted.push({ r, id: message.id, hand });
      } catch (e) {
        r.reject(e);
      }
    }
    if (accepted.length === 0) return;
    const contactWrites = [...peers.values()].flatMap((c) => this.contacts.writes(c));
    try {
      await this.store.apply({
        putMessages,
        putOutbox,
        records: [...this.#stores.takeWrites(), ...contactWrites],
      });
    } catch (e) {
      for (const a of accepted) a.r.reject(e);
      return;
    }
    for (const a of accepted) {
      a.hand?.();
      a.r.resolve(a.id);
    }
  }

  /** The message record and outbox entry of an outgoing item. */
  #outgoing(peerId: string, content: OutgoingContent) {
    const id = toHex(content.id);
    const now = content.sentAt;
    const message: Omit<MessageRecord, 'seq'> = {
      id,
      conversationId: peerId,
      direction: 'out',
      kind: content.kind,
      body: content.kind === 'timer' ? '' : content.body,
      ...(content.kind === 'attachment' ? { attachment: content.pointer } : {}),
      sentAt: now,
      clock: content.clock,
      receivedAt: now,
      timerSeconds: content.timerSeconds,
      // The sender's countdown starts when the server has it (✓, messenger/network.ts), not while it waits offline.
      expiresAt: null,
      status: 'pending',
      ...(content.kind === 'text' && content.replyTo ? { replyTo: toHex(content.replyTo) } : {}),
    };
    const item = {
      id,
      recipient: peerId,
      content: encodeContent(content),
      createdAt: now,
      ttlSeconds: 0,
    };
    return { message, item };
  }
}
