/**
 * The client's life on the network: one connection at a time, reopened with
 * backoff until closed; incoming envelopes processed strictly in order and
 * acked only after they are stored; the outbox flushed in order on every
 * (re)connect and after every new item, each item removed only once the
 * server acknowledged it. One mutex serializes every protocol operation, so
 * staged ratchet writes never mix.
 */
import { ProtocolAddress, type PublicKey } from '@tacet/protocol';
import { type ErrorCode, RETRYABLE_CODES } from '@tacet/wire';
import { runUpkeep } from '../account/key-upkeep.js';
import type { AccountInfo } from '../account/register.js';
import type { Contact, Contacts } from '../contacts.js';
import { stampDevicesVersion } from '../content/content.js';
import { pad } from '../content/padding.js';
import {
  devicesChangedError,
  devicesPaused,
  devicesPausedError,
  pauseWrite,
  unpauseWrite,
} from '../devices/device-changes.js';
import { ownDeviceList } from '../devices/own-device-list.js';
import { verifiedList } from '../devices/verified-device-list.js';
import { ClientError } from '../errors.js';
import type { ClientEvent } from '../events.js';
import { isGroupItem, sendGroupItem } from '../groups/group-send.js';
import { NS, type ProtocolStores } from '../sessions/protocol-stores.js';
import type { MessageRecord, OutboxItem } from '../store/types.js';
import type { WriteBehindStore } from '../store/write-behind.js';
import type { Clock } from '../timers/clock.js';
import { startSenderCountdown } from '../timers/sender-countdown.js';
import { Connection, type WebSocketFactory } from '../transport/connection.js';
import { explainRefusal, HttpApi, wsLogin } from '../transport/http-api.js';
import { fromHex, Mutex } from '../util.js';
import { CLAIMS_NS, confirmedClaim, heldEnvelopes } from './held-apart.js';
import { InboxQueue } from './inbox-queue.js';
import {
  encryptForPeer,
  httpDirectory,
  type IdentityDirectory,
  keyChangeWrites,
  needsReverification,
  startSessions,
  untrustedError,
} from './peer-crypto.js';
import { ReceiptWindow } from './receipt-window.js';
import { isRetryItem, RetryLimiter, sealRetryItem } from './retry.js';
import { SendWindow } from './send-window.js';
import { type CertificateSource, senderCertificates } from './sender-certificates.js';
import { sealForSiblings, syncCopies } from './sync.js';
import { pinnedTrustRoot } from './trust-root.js';

const MIN_BACKOFF_MS = 250;
/** How long close waits for the acks of sends in flight before it cuts them off. */
const CLOSE_GRACE_MS = 2000;
const MAX_BACKOFF_MS = 10_000;

export interface NetworkOptions {
  /** Cleanup after a server ack is deferred to the next commit (store/write-behind.ts). */
  readonly store: WriteBehindStore;
  readonly stores: ProtocolStores;
  readonly contacts: Contacts;
  readonly account: AccountInfo;
  readonly clock: Clock;
  readonly webSocket: WebSocketFactory;
  readonly emit: (e: ClientEvent) => void;
  /** Something with a deadline was stored (the earliest new one): the expiry scheduler should look. */
  readonly onStored: (deadline: number) => void;
  /** Width of the window over which a sender's receipts gather into one (receipt-window.ts). */
  readonly receiptWindowMs?: number;
}

type SentEnvelopes = Awaited<ReturnType<typeof encryptForPeer>>;

/** What one pass over the outbox carries: its connection, its sends in flight, what it sent or skips. */
interface FlushPass {
  readonly conn: Connection;
  readonly window: SendWindow<OutboxItem>;
  readonly launched: Set<string>;
  /** Recipients sending waits for (a changed key or device list), with why: later items to them fail alike, and stay. */
  readonly blocked: Map<string, Error>;
  /** Connection trouble ended the pass: what is still in flight only settles. */
  stopped: boolean;
}

/**
 * The device set we encrypted for is out of date: the server knows no longer
 * one of them (the contact unlinked it), or the contact's signed device list
 * names one we left out (they linked one).
 */
const isStaleDevices = (e: unknown) =>
  e instanceof ClientError &&
  e.is('ServerError') &&
  (e.data.code === 'unknown_recipient' || e.data.code === 'missing_device');

/**
 * Resolves when all of `work` has settled, or after `ms`, whichever is first.
 * A real timer, not the injected clock: it bounds how long closing takes.
 */
function settledWithin(work: Promise<unknown>[], ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void Promise.allSettled(work).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolved with the message as marked sent (undefined when it was no longer pending). */
type Waiter = { resolve: (sent: MessageRecord | undefined) => void; reject: (e: Error) => void };

export class Network {
  readonly #o: NetworkOptions;
  readonly #api: HttpApi;
  readonly #lock = new Mutex();
  readonly #waiters = new Map<string, Waiter>();
  /** What #markSent stored for a waited-for item, handed to its waiter: no read back. */
  readonly #marked = new Map<string, MessageRecord>();
  readonly #drainWaiters: Array<() => void> = [];
  readonly #background = new Set<Promise<unknown>>();
  readonly #pendingReceipts = new Map<string, OutboxItem>();
  readonly #receiptWindow: ReceiptWindow;
  /**
   * Envelopes of outbox items encrypted in the commit that queued them (a
   * message, or a batch's receipts), so sending them needs no commit of its
   * own. In memory only: after a restart an item is encrypted anew.
   */
  readonly #prepared = new Map<string, SentEnvelopes>();
  readonly #inbox: InboxQueue;
  readonly #directory: IdentityDirectory;
  readonly #certificate: CertificateSource;
  #account: AccountInfo;
  #trustRoot: Promise<PublicKey> | null = null;
  #conn: Connection | null = null;
  #connecting: Promise<void> | null = null;
  #drained = false;
  #closing = false;
  #backoff = MIN_BACKOFF_MS;
  #retryTimer: unknown = null;
  #flushing: Promise<void> | null = null;
  #flushAgain = false;
  /** Set while a flush waits for acks: something new was queued, look at the outbox again. */
  #wakeFlush: (() => void) | null = null;

  constructor(o: NetworkOptions) {
    this.#o = o;
    this.#account = o.account;
    this.#api = new HttpApi(o.account.serverUrl, o.account);
    this.#directory = httpDirectory(this.#api);
    this.#certificate = senderCertificates(o.stores, this.#api, o.account, () => this.trustRoot());
    this.#receiptWindow = new ReceiptWindow(
      o.clock,
      (peer) => this.#track(this.#sealHeldReceipt(peer)),
      o.receiptWindowMs,
    );
    this.#inbox = new InboxQueue({
      store: o.store,
      stores: o.stores,
      directory: this.#directory,
      retries: new RetryLimiter(),
      trustRoot: () => this.trustRoot(),
      contacts: o.contacts,
      clock: o.clock,
      lock: this.#lock,
      self: o.account.accountId,
      // Served with a bundle of this very device: the list is the account's, and no sibling's prekey is used up.
      servedOwnList: async () => (await this.#api.bundle(o.account.accountId, o.account.deviceId)).deviceList,
      pendingReceipts: this.#pendingReceipts,
      receiptWindow: this.#receiptWindow,
      prepare: (item) => this.prepare(item),
      refreshDevices: (peer) => this.refreshDevices(peer),
      emit: o.emit,
      afterCommit: (newDeadline) => {
        if (newDeadline !== null) o.onStored(newDeadline);
        this.#track(this.flush());
      },
    });
  }

  /** The pinned trust root (asked of the server once if this profile predates pinning). */
  trustRoot(): Promise<PublicKey> {
    this.#trustRoot ??= pinnedTrustRoot(this.#o.store, this.#account, this.#api).then(
      ({ root, account }) => {
        this.#account = account;
        return root;
      },
      (e: unknown) => {
        this.#trustRoot = null; // try again next time
        throw e;
      },
    );
    return this.#trustRoot;
  }

  /**
   * Accepts the new key claiming to be `c` once the directory confirms it:
   * it becomes the contact's key (sessions with the old one are dropped),
   * and the held messages are processed as if they had just arrived. A
   * verified contact stays blocked for sending until verified again.
   */
  async acceptClaim(c: { accountId: string; name: string }): Promise<number> {
    const held = await this.#lock.run(async () => {
      const claim = await confirmedClaim(this.#o.store, c.accountId, c.name, this.#directory);
      const devices = await this.#o.stores.get(NS.self, `devices:${c.accountId}`);
      const ids = devices ? (JSON.parse(new TextDecoder().decode(devices)) as number[]) : [];
      const records = [
        { ns: NS.identity, key: c.accountId, value: claim.identityKey },
        { ns: NS.trusted, key: c.accountId, value: claim.identityKey },
        { ns: NS.self, key: `devices:${c.accountId}`, value: null },
        ...ids.map((d) => ({
          ns: NS.session,
          key: new ProtocolAddress(c.accountId, d).toString(),
          value: null,
        })),
        { ns: 'untrusted', key: c.accountId, value: null },
        { ns: CLAIMS_NS, key: c.accountId, value: null },
      ];
      await this.#o.store.apply({ records });
      return heldEnvelopes(this.#o.store, c.accountId);
    });
    for (const h of held) this.#inbox.push({ held: h.record }, h.envelope);
    await this.#inbox.idle();
    return held.length;
  }

  /**
   * Runs `fn` alone with the inbox: a read-modify-write of a conversation
   * (its clock, its timer) cannot interleave with a batch of received messages.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(fn);
  }

  /**
   * Call alone with the inbox (in `exclusive`): encrypts `item` now, its
   * ratchet step staged for the caller's commit, which must come next. The
   * returned function hands the envelopes over once that commit is durable.
   * Undefined when it cannot (no session yet, key changed...): then the item
   * is encrypted when it is sent, as before, and any error surfaces there.
   */
  async prepare(item: OutboxItem): Promise<(() => void) | undefined> {
    const stores = this.#o.stores;
    const mark = stores.checkpoint();
    try {
      const contact = await this.#o.contacts.byId(item.recipient);
      // Blocked for re-verification or a device change: left to the send path, which refuses it.
      if (contact && (await this.#paused(contact))) return undefined;
      // An item for our own other devices only (a group change, a displayed sync): sealed for the siblings.
      if (item.recipient === this.#account.accountId) {
        const env = await this.#forSiblings(item);
        return () => this.#prepared.set(item.id, env);
      }
      const listBefore = contact && (await verifiedList(stores, contact.accountId))?.list.version;
      const env = await encryptForPeer(
        stores,
        this.#api,
        this.#certificate,
        item.recipient,
        contact?.name ?? item.recipient,
        pad(stampDevicesVersion(item.content, await this.#ownListVersion())),
        this.#o.clock.now(),
      );
      env.push(...(await this.#syncCopies(item)));
      const changed = contact && listBefore !== undefined && (await this.#newerList(contact, listBefore));
      // A verified contact's new devices wait for the user: the send path pauses it.
      if (changed && contact.verifiedKey !== undefined) {
        stores.restore(mark);
        return undefined;
      }
      return () => {
        this.#prepared.set(item.id, env);
        if (changed) this.#o.emit(changed);
      };
    } catch {
      stores.restore(mark);
      return undefined;
    }
  }

  /**
   * The window of `peer`'s last receipt ended with another one collecting
   * ids (receipt-window.ts): it is sealed now, its ratchet step riding on
   * the next commit (a message stored, sent or received soon after, or the
   * write-behind's own within its delay), and it leaves once that is
   * durable. Its ids are durable already, in the outbox item the batches
   * that gathered them stored. Lost in a crash before that commit, the item
   * is sealed anew after the restart: the step lost was never used on the wire.
   */
  async #sealHeldReceipt(peer: string): Promise<void> {
    const sealed = await this.#lock.run(async () => {
      const item = this.#pendingReceipts.get(peer);
      // Taken meanwhile by a batch after the window, or forgotten with a failed one.
      if (!item || !this.#receiptWindow.isHeld(item.id)) return true;
      this.#receiptWindow.restart(peer, this.#o.clock.now());
      const hand = await this.prepare(item);
      if (!hand) {
        // Sealed when sent instead (#launch), as any receipt that could not be sealed in its batch.
        this.#receiptWindow.release(item.id);
        return false;
      }
      this.#pendingReceipts.delete(peer);
      this.#o.store.defer({ records: this.#o.stores.takeWrites() }, () => {
        hand();
        this.#receiptWindow.release(item.id);
        this.#track(this.flush());
      });
      return true;
    });
    if (!sealed) this.#track(this.flush());
  }

  /** Opens the connection; when that fails, keeps retrying with backoff in the background. */
  connect(): Promise<void> {
    if (this.#conn?.isOpen) return Promise.resolve();
    this.#connecting ??= this.#open()
      .catch((e: unknown) => {
        if (!this.#closing && this.#retryTimer === null) this.#scheduleReconnect();
        throw e;
      })
      .finally(() => {
        this.#connecting = null;
      });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    if (this.#closing) throw new ClientError('Closed', 'the client is closed');
    const url = `${this.#o.account.serverUrl.replace(/^http/, 'ws')}/v1/ws`;
    this.#drained = false;
    this.#inbox.startBacklog();
    // A refused handshake closes the socket before `open` resolves, while `conn` is not yet bound.
    const opened: { conn?: Connection } = {};
    const conn = await Connection.open(url, wsLogin(this.#o.account), this.#o.webSocket, {
      // The connection hands itself over: an envelope may arrive before `open` resolves here.
      onEnvelope: async (e, from) => this.#inbox.push(from, e),
      onDrained: () => this.#onDrained(),
      onError: (error) => this.#o.emit({ type: 'error', error: error as Error }),
      onClose: (reason) => {
        if (opened.conn) this.#onClose(opened.conn, reason);
      },
    }).catch((e: unknown) => explainRefusal(this.#api, e));
    opened.conn = conn;
    this.#conn = conn;
    this.#backoff = MIN_BACKOFF_MS;
    this.#o.emit({ type: 'connection', state: 'open' });
    this.#track(this.flush());
    this.#track(this.upkeep().catch((error: Error) => this.#o.emit({ type: 'error', error })));
  }

  waitForDrain(timeoutMs = 30_000): Promise<void> {
    if (this.#drained && this.#conn?.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = this.#o.clock.setTimer(
        () => reject(new ClientError('Timeout', 'the server did not deliver the queue in time')),
        timeoutMs,
      );
      this.#drainWaiters.push(() => {
        this.#o.clock.clearTimer(t);
        resolve();
      });
    });
  }

  /**
   * Queues nothing itself: waits until outbox item `id` is acknowledged by
   * the server; resolves with its message as marked sent, if it was pending.
   */
  async deliver(id: string): Promise<MessageRecord | undefined> {
    const done = new Promise<MessageRecord | undefined>((resolve, reject) =>
      this.#waiters.set(id, { resolve, reject }),
    );
    try {
      await this.connect();
    } catch (e) {
      this.#waiters.delete(id);
      throw new ClientError(
        'ServerUnreachable',
        `${(e as Error).message}; the message is kept and will be sent on the next connection`,
      );
    }
    this.#track(this.flush());
    return done;
  }

  /** Sends every outbox item in order; stops at the first connection failure. */
  flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      this.#wakeFlush?.();
      return this.#flushing;
    }
    this.#flushing = (async () => {
      do {
        this.#flushAgain = false;
        await this.#flushOnce();
      } while (this.#flushAgain && this.#conn?.isOpen);
    })().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  /**
   * One pass over the outbox on the current connection: items leave in order
   * without waiting for each other's acks (send-window.ts), and the outbox is
   * looked at again as soon as something new is queued, so a live message
   * never waits behind the acks of earlier ones.
   */
  async #flushOnce(): Promise<void> {
    const conn = this.#conn;
    if (!conn?.isOpen) return;
    const pass: FlushPass = {
      conn,
      window: new SendWindow(),
      launched: new Set(),
      blocked: new Map(),
      stopped: false,
    };
    try {
      for (;;) {
        this.#flushAgain = false;
        if (!(await this.#launchListed(pass))) return;
        if (!(await this.#awaitAcks(pass))) return;
        if (!this.#flushAgain) return;
      }
    } finally {
      // Stopped (connection trouble): what is still in flight settles before the next pass resends it.
      while (pass.window.size > 0) await this.#settleOldest(pass);
    }
  }

  /** Sends the listed items not yet sent in this pass; false when the pass must stop. */
  async #launchListed(pass: FlushPass): Promise<boolean> {
    for (const item of await this.#o.store.listOutbox()) {
      // Not taken yet by a later pass either: still gathering ids, or sealed and waiting for its commit.
      if (pass.launched.has(item.id) || this.#receiptWindow.isHeld(item.id)) continue;
      const waits = pass.blocked.get(item.recipient);
      if (waits) {
        this.#settle(item.id, waits);
        continue;
      }
      if (!pass.conn.isOpen) return false;
      while (pass.window.full) if (!(await this.#settleOldest(pass))) return false;
      pass.launched.add(item.id);
      if (isGroupItem(item)) {
        // Its upload goes over HTTP, beside the socket: it waits for the earlier acks to keep the order.
        while (pass.window.size > 0) if (!(await this.#settleOldest(pass))) return false;
        const error = await this.#sendItemOrRefresh(pass.conn, item).then(
          () => null,
          (e: unknown) => e as Error,
        );
        if (!(await this.#outcome(pass, item, error))) return false;
        continue;
      }
      try {
        pass.window.add(item, (await this.#launch(pass.conn, item, true)).acked);
      } catch (e) {
        if (!(await this.#outcome(pass, item, e as Error))) return false;
      }
    }
    return true;
  }

  /** Takes acks as they come until none is outstanding or something new was queued. */
  async #awaitAcks(pass: FlushPass): Promise<boolean> {
    while (pass.window.size > 0 && !this.#flushAgain) {
      const woken = new Promise<true>((r) => {
        this.#wakeFlush = () => r(true);
      });
      const newItem = await Promise.race([pass.window.oldestSettled().then(() => false), woken]);
      this.#wakeFlush = null;
      if (!newItem && !(await this.#settleOldest(pass))) return false;
    }
    return true;
  }

  /** The oldest send's outcome; a send to an out-of-date device set is retried once, alone (see #sendItemOrRefresh). */
  async #settleOldest(pass: FlushPass): Promise<boolean> {
    const settled = await pass.window.takeOldest();
    if (!settled) return true;
    const { item } = settled;
    let error = settled.error;
    if (error && isStaleDevices(error) && !isRetryItem(item))
      error = await this.#forgetDevices(item)
        .then(async () => (await this.#launch(pass.conn, item, false)).acked)
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
    return this.#outcome(pass, item, error);
  }

  /**
   * Settles the caller waiting for `item`; on a refusal decides what
   * follows: a permanent one drops the item, an untrusted identity skips
   * the recipient for this pass, anything else (connection trouble) stops
   * the pass (false): the item stays in the outbox for the next connection.
   */
  async #outcome(pass: FlushPass, item: OutboxItem, err: Error | null): Promise<boolean> {
    if (!err) {
      this.#settle(item.id, null);
      return true;
    }
    const code = err instanceof ClientError ? (err.data.code as ErrorCode | undefined) : undefined;
    // A device-list refusal is the server lying about the recipient's devices: that send fails for good.
    const permanent =
      (err instanceof ClientError && err.is('ServerError') && code && !RETRYABLE_CODES.has(code)) ||
      (err instanceof ClientError &&
        (err.is('DeviceListRefused') || err.is('UnlistedDevice') || err.is('NotGroupMember')));
    if (permanent) {
      this.#settle(item.id, err);
      await this.#o.store.apply({ deleteOutbox: [item.id] });
      return true;
    }
    if (err instanceof ClientError && (err.is('UntrustedIdentity') || err.is('DevicesChanged'))) {
      this.#settle(item.id, err);
      pass.blocked.set(item.recipient, err);
      return true;
    }
    // Told once, for the item that stopped the pass; the ones behind it wait for their resend, as unsent ones do.
    if (!pass.stopped) this.#settle(item.id, err);
    pass.stopped = true;
    return false;
  }

  /**
   * Sends an item. When the server knows no longer a device we encrypted
   * for (the contact unlinked it), or answers that the contact's signed
   * device list names a device we left out (they linked one), forgets the
   * contact's device set and sends once more: the bundle fetch then brings
   * their newest signed device list, which the rule in
   * devices/verified-device-list.ts checks as ever, so only listed devices
   * get a copy. The second send no longer asks the server to hold us to its
   * list — a device still uploading its keys would refuse it forever, and the
   * verified list, not the server, decides.
   */
  async #sendItemOrRefresh(conn: Connection, item: OutboxItem): Promise<void> {
    try {
      await this.#sendItem(conn, item, true);
    } catch (e) {
      if (!isStaleDevices(e) || isRetryItem(item)) throw e;
      await this.#forgetDevices(item);
      await this.#sendItem(conn, item, false);
    }
  }

  async #forgetDevices(item: OutboxItem): Promise<void> {
    this.#prepared.delete(item.id);
    await this.#forgetDeviceSets([item.recipient]);
  }

  /** Forgets the device sets of `peers`: the next send to each fetches and checks their newest signed list. */
  #forgetDeviceSets(peers: readonly string[]): Promise<void> {
    const records = peers.map((p) => ({ ns: NS.self, key: `devices:${p}`, value: null }));
    return this.#lock.run(() => this.#o.store.apply({ records }));
  }

  /** Sends an item and waits for the server's ack (group items and their sender-key distributions). */
  async #sendItem(conn: Connection, listed: OutboxItem, allDevices: boolean): Promise<void> {
    if (isGroupItem(listed)) {
      await sendGroupItem(this.#groupDeps(conn), listed);
      return this.#markSent(listed); // as any item
    }
    return (await this.#launch(conn, listed, allDevices)).acked;
  }

  /**
   * Encrypts an item (unless it was in the commit that queued it) and puts
   * it on the socket. Resolves once it left, to the wait for its ack (which
   * marks it sent); rejects when it could not be encrypted.
   */
  async #launch(
    conn: Connection,
    listed: OutboxItem,
    allDevices: boolean,
  ): Promise<{ acked: Promise<void> }> {
    // A retry receipt answers one device only.
    const complete = allDevices && !isRetryItem(listed);
    const prepared = this.#prepared.get(listed.id);
    if (prepared) return this.#transmit(conn, listed, prepared, complete);
    const contact = await this.#o.contacts.byId(listed.recipient);
    let item = listed;
    const listBefore = contact && (await verifiedList(this.#o.stores, contact.accountId))?.list.version;
    const envelopes = await this.#lock.run(async () => {
      // A receipt still collecting ids is taken now, in its latest form; later ids start a new one.
      const open = this.#pendingReceipts.get(item.recipient);
      if (open?.id === item.id) {
        item = open;
        this.#pendingReceipts.delete(item.recipient);
      }
      try {
        const name = contact?.name ?? item.recipient;
        const now = this.#o.clock.now();
        if (contact && (await needsReverification(this.#o.stores, contact))) throw untrustedError(name);
        const waiting = contact && (await devicesPausedError(this.#o.stores, contact));
        if (waiting) throw waiting;
        const env = isRetryItem(item)
          ? await sealRetryItem(this.#o.stores, this.#directory, this.#certificate, item, now)
          : item.recipient === this.#account.accountId
            ? await this.#forSiblings(item)
            : await encryptForPeer(
                this.#o.stores,
                this.#api,
                this.#certificate,
                item.recipient,
                name,
                pad(stampDevicesVersion(item.content, await this.#ownListVersion())),
                now,
              );
        if (!isRetryItem(item)) env.push(...(await this.#syncCopies(item)));
        const paused =
          contact && listBefore !== undefined && (await this.#pauseIfVerified(contact, listBefore));
        // The ratchet step is committed before the bytes leave: a chain key is never used twice.
        // (When paused, the step is committed and the copies dropped: a skipped key, never a reused one.)
        await this.#o.store.apply({ records: this.#o.stores.takeWrites() });
        if (paused) {
          this.#o.emit(paused.notice);
          throw paused.error;
        }
        return env;
      } catch (e) {
        this.#o.stores.discard();
        if (e instanceof ClientError && e.data.identityKey instanceof Uint8Array)
          await this.#keyChanged(e, contact);
        throw e;
      }
    });
    if (contact && listBefore !== undefined) await this.#noticeDeviceList(contact, listBefore);
    return this.#transmit(conn, item, envelopes, complete);
  }

  /** What a group send needs: the 1:1 path for sender keys, the API for the one upload. */
  #groupDeps(conn: Connection) {
    return {
      stores: this.#o.stores,
      store: this.#o.store,
      contacts: this.#o.contacts,
      api: this.#api,
      certificate: this.#certificate,
      lock: this.#lock,
      self: this.#o.account,
      now: () => this.#o.clock.now(),
      sendDirect: (item: OutboxItem) => this.#sendItemOrRefresh(conn, item),
      forgetDevices: (peers: readonly string[]) => this.#forgetDeviceSets(peers),
      emit: this.#o.emit,
    };
  }

  /** What sealing for this account's other devices needs (messenger/sync.ts). */
  get #syncDeps() {
    return { stores: this.#o.stores, api: this.#api, certificate: this.#certificate, self: this.#account };
  }

  /** Sync transcripts of `item` for this account's other devices, staged like its ratchet step. */
  async #syncCopies(item: OutboxItem) {
    return syncCopies(this.#syncDeps, await ownDeviceList(this.#o.stores), item, this.#o.clock.now());
  }

  /** An item for our own other devices only (a sync of what this one displayed), sealed for each of them. */
  async #forSiblings(item: OutboxItem) {
    const list = await ownDeviceList(this.#o.stores);
    return sealForSiblings(this.#syncDeps, list, item.content, this.#o.clock.now());
  }

  /** The version of this account's own signed device list, which every message carries. */
  async #ownListVersion(): Promise<number | undefined> {
    return (await ownDeviceList(this.#o.stores))?.version;
  }

  /** Whether sending to `contact` waits for the user (a changed safety number or device list). */
  async #paused(contact: Contact): Promise<boolean> {
    const stores = this.#o.stores;
    return (await needsReverification(stores, contact)) || devicesPaused(stores, contact);
  }

  /**
   * Under the lock, after a list check: when a VERIFIED contact's list is no
   * longer version `before`, stages the pause and returns the error the send
   * fails with and the notice for the UI. The caller emits the notice only
   * after the pause is committed: a UI that reads the paused state when told
   * must find it stored.
   */
  async #pauseIfVerified(contact: Contact, before: number) {
    if (contact.verifiedKey === undefined) return undefined;
    const changed = await this.#newerList(contact, before);
    if (!changed) return undefined;
    const pause = pauseWrite(contact.accountId, changed.version);
    this.#o.stores.set(pause.ns, pause.key, pause.value);
    return { error: devicesChangedError(contact, changed.devices), notice: { ...changed, paused: true } };
  }

  /**
   * Re-checks a contact's signed device list after a message said ours is
   * out of date (a newer version announced, or an unlisted device wrote):
   * fetches their bundles with the list, checks them as ever, starts
   * sessions with every listed device, and tells the UI — pausing sends if
   * the contact is verified. A failure is reported, never thrown: the next
   * send checks again.
   */
  async refreshDevices(peer: string): Promise<void> {
    const contact = await this.#o.contacts.byId(peer);
    if (!contact) return;
    const stores = this.#o.stores;
    const before = (await verifiedList(stores, peer))?.list.version;
    try {
      const changed = await this.#lock.run(async () => {
        try {
          await startSessions(stores, this.#api, peer, contact.name, this.#o.clock.now());
          const paused = before !== undefined && (await this.#pauseIfVerified(contact, before));
          await this.#o.store.apply({ records: stores.takeWrites() });
          if (paused) return paused.notice;
          return before !== undefined && (await this.#newerList(contact, before));
        } catch (e) {
          stores.discard();
          if (e instanceof ClientError && e.data.identityKey instanceof Uint8Array) {
            await this.#keyChanged(e, contact);
            return undefined;
          }
          throw e;
        }
      });
      if (changed) this.#o.emit(changed);
    } catch (error) {
      this.#o.emit({ type: 'error', error: error as Error });
    }
  }

  /** The user looked at a verified contact's changed devices: sending resumes. */
  async acceptDevices(contact: Contact): Promise<boolean> {
    const was = await this.#lock.run(async () => {
      if (!(await devicesPaused(this.#o.stores, contact))) return false;
      await this.#o.store.apply({ records: [unpauseWrite(contact.accountId)] });
      return true;
    });
    if (was) this.#track(this.flush());
    return was;
  }

  /** Tells the UI when sending verified a newer device list of the contact than it had. */
  async #noticeDeviceList(contact: Contact, before: number): Promise<void> {
    const changed = await this.#newerList(contact, before);
    if (changed) this.#o.emit(changed);
  }

  /** The devices-changed notice when the contact's verified list (staged or stored) is no longer version `before`. */
  async #newerList(contact: Contact, before: number) {
    const after = (await verifiedList(this.#o.stores, contact.accountId))?.list;
    if (!after || after.version === before) return undefined;
    const devices = after.devices.map((d) => d.deviceId);
    return { type: 'devices-changed' as const, contact, devices, version: after.version };
  }

  /**
   * Puts an item's envelopes on the socket (`allDevices`: the server is to
   * refuse it when the contact's list names a device left out); `acked`
   * settles with the server's answer, marking it sent first.
   */
  #transmit(
    conn: Connection,
    item: OutboxItem,
    envelopes: SentEnvelopes,
    allDevices: boolean,
  ): { acked: Promise<void> } {
    // A retry receipt with no one left to seal it to is dropped, not sent empty.
    const stored =
      envelopes.length > 0
        ? conn.send({ id: fromHex(item.id), ttlSeconds: item.ttlSeconds, envelopes, allDevices })
        : Promise.resolve();
    return { acked: stored.then(() => this.#markSent(item)) };
  }

  /** After the server's ack: the outbox item goes, the message shows "sent" and its countdown starts. */
  async #markSent(item: OutboxItem): Promise<void> {
    this.#prepared.delete(item.id);
    // Read and marked under the inbox's lock: a delivery receipt for this message processed
    // in between would otherwise be overwritten by "sent" (a ✓✓ going back to ✓).
    const sent = await this.#lock.run(async () => {
      const m = await this.#o.store.getMessage(item.id);
      const marked =
        m && m.status === 'pending'
          ? startSenderCountdown({ ...m, status: 'sent' as const }, this.#o.clock.now())
          : undefined;
      // Not a commit of its own: lost in a crash, the item is sent again and the copy dropped by content id.
      this.#o.store.defer({ deleteOutbox: [item.id], putMessages: marked ? [marked] : [] });
      return marked;
    });
    if (sent && this.#waiters.has(item.id)) this.#marked.set(item.id, sent);
    if (sent) this.#o.emit({ type: 'updated', message: sent });
    if (sent?.expiresAt != null) this.#o.onStored(sent.expiresAt);
  }

  /** A bundle came with a different identity key: remember it, block sending, tell the UI. */
  async #keyChanged(e: ClientError, contact: Contact | undefined): Promise<void> {
    await this.#o.store.apply({ records: keyChangeWrites(e) });
    if (contact) this.#o.emit({ type: 'identity-changed', contact });
  }

  #settle(id: string, err: Error | null): void {
    const w = this.#waiters.get(id);
    const sent = this.#marked.get(id);
    this.#marked.delete(id);
    if (!w) return;
    this.#waiters.delete(id);
    if (err) w.reject(err);
    else w.resolve(sent);
  }

  async #onDrained(): Promise<void> {
    // "Drained" means processed: wait for the envelopes that came before it.
    this.#inbox.endBacklog();
    await this.#inbox.idle();
    this.#drained = true;
    this.#o.emit({ type: 'drained' });
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  #onClose(conn: Connection, reason: string): void {
    if (this.#conn !== conn) return;
    this.#conn = null;
    this.#drained = false;
    this.#inbox.endBacklog(); // nothing more comes on this connection: no group waits for it
    if (this.#closing) return;
    this.#o.emit({ type: 'connection', state: 'reconnecting', reason });
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const wait = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.#retryTimer = this.#o.clock.setTimer(() => {
      this.#retryTimer = null;
      this.connect().catch(() => undefined); // a failure schedules the next attempt
    }, wait);
  }

  /** Fetches a contact's bundle and starts a session (pins their identity key on first use). */
  async startSession(c: Contact): Promise<void> {
    await this.#lock.run(async () => {
      try {
        await startSessions(this.#o.stores, this.#api, c.accountId, c.name, this.#o.clock.now());
        await this.#o.store.apply({ records: this.#o.stores.takeWrites() });
      } catch (e) {
        this.#o.stores.discard();
        // A changed key is recorded (and shown as a changed safety number), not an error here.
        if (e instanceof ClientError && e.data.identityKey instanceof Uint8Array)
          await this.#keyChanged(e, c);
        else throw e;
      }
    });
  }

  /** Removes this account from the server. */
  async deleteAccount(): Promise<void> {
    await this.#api.deleteAccount();
  }

  /** Whether the server has an account with this id (the identity lookup: consumes no prekey). */
  async accountExists(accountId: string): Promise<boolean> {
    try {
      await this.#api.identityKey(accountId);
      return true;
    } catch (e) {
      if (e instanceof ClientError && e.data.code === 'not_found') return false;
      throw e;
    }
  }

  /** Tops up one-time prekeys and rotates the signed prekey when due. */
  upkeep(): Promise<void> {
    return runUpkeep(this.#o.stores, this.#o.store, this.#api, this.#lock, this.#o.clock.now());
  }

  #track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined);
    this.#background.add(q);
    void q.finally(() => this.#background.delete(q));
  }

  /**
   * Ends the connection. Sends in flight get CLOSE_GRACE_MS for their acks;
   * an ack that never comes does not keep close waiting: the socket goes,
   * those sends fail as connection trouble, and their items stay in the
   * outbox for the next start (the recipient drops a copy it already has).
   */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#retryTimer !== null) this.#o.clock.clearTimer(this.#retryTimer);
    this.#receiptWindow.close();
    await settledWithin([...this.#background], CLOSE_GRACE_MS);
    await this.#lock.run(async () => undefined);
    const conn = this.#conn;
    this.#conn = null;
    await this.#inbox.idle();
    await conn?.close();
    // Their sends were cut off with the socket: what was still waiting now ends.
    await Promise.all([...this.#background]);
    for (const [id] of this.#waiters)
      this.#settle(id, new ClientError('Closed', 'the client was closed before the server acknowledged'));
  }
}
