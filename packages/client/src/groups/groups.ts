/**
 * The SDK's group API (`client.groups`, issue 11): create, add, remove,
 * leave, rename, promote, demote and the timer, each a change signed with
 * our identity key, applied here first and sent 1:1 (sealed) to every
 * member device; group messages under sender keys (group-send.ts); the
 * groups list and per-member delivery marks. Received traffic is handled
 * by group-inbox.ts inside the normal inbox.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { MAX_DEVICES_PER_ACCOUNT } from '@tacet/wire';
import type { AttachmentPointer } from '../attachments/pointer.js';
import {
  type AttachmentTransfers,
  checkedCaption,
  type OutgoingFile,
  type SendFileOptions,
  uploadOptions,
} from '../attachments/transfers.js';
import type { Contact, Contacts } from '../contacts.js';
import type { Action } from '../content/actions.js';
import { encodeContent, MAX_TEXT_LENGTH } from '../content/content.js';
import { siblingCount } from '../devices/own-device-list.js';
import { ClientError } from '../errors.js';
import type { ClientEvent } from '../events.js';
import { contentIdOf } from '../messenger/apply-action.js';
import { compareHistory } from '../messenger/ordering.js';
import { deviceIds } from '../messenger/peer-crypto.js';
import type { ProtocolStores } from '../sessions/protocol-stores.js';
import type { ClientStore, MessageRecord, OutboxItem } from '../store/types.js';
import type { Clock } from '../timers/clock.js';
import { isValidTimer } from '../timers/duration.js';
import { fromHex, randomId, toHex } from '../util.js';
import {
  type GroupEntry,
  groupConversationId,
  groupIdOf,
  isGroupConversation,
  listGroups,
  loadGroup,
  newDistributionId,
  saveGroup,
} from './group-book.js';
import type { GroupChange } from './group-change.js';
import type { GroupControl } from './group-control.js';
import { controlItem } from './group-control-item.js';
import { deliveryView } from './group-delivery.js';
import { absorb } from './group-effects.js';
import { changeItems } from './group-fanout.js';
import { type GroupInfo, groupInfo, memberName } from './group-info.js';
import { GroupLog } from './group-log.js';
import { checkGroupSize, checkMembersTrusted, resolveMembers } from './group-members.js';
import {
  DEFAULT_GROUP_TIMER_SECONDS,
  type GroupState,
  isAdmin,
  MAX_GROUP_NAME_BYTES,
  memberOf,
} from './group-state.js';
import { signGroupChange } from './group-transition.js';

export interface GroupsDeps {
  readonly store: ClientStore;
  readonly stores: ProtocolStores;
  readonly contacts: Contacts;
  readonly clock: Clock;
  readonly self: string;
  readonly emit: (e: ClientEvent) => void;
  /** Runs `fn` alone with the inbox. */
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Waits until outbox item `id` is acknowledged by the server. */
  readonly deliver: (id: string) => Promise<void>;
  /** Learns a contact's identity key (starts a session). */
  readonly learn: (c: Contact) => Promise<void>;
  /** Uploads attachments (sendFile). */
  readonly files: AttachmentTransfers;
}

const utf8 = new TextEncoder();

function checkGroupName(name: string): void {
  const n = utf8.encode(name).length;
  if (name.trim().length === 0 || n > MAX_GROUP_NAME_BYTES)
    throw new ClientError('InvalidName', `a group name must have 1 to ${MAX_GROUP_NAME_BYTES} bytes`);
}

/**
 * @example
 * const desk = await client.groups.create('news desk', ['bob', 'carol']);
 * await client.groups.send('news desk', 'meeting at 6');
 * client.on((e) => e.type === 'group-changed' && redraw(e.group));
 */
export class Groups {
  readonly #d: GroupsDeps;

  constructor(d: GroupsDeps) {
    this.#d = d;
  }

  /** Every group this profile holds (left ones too, `member: false`), by name. */
  async list(): Promise<GroupInfo[]> {
    const out: GroupInfo[] = [];
    for (const e of await listGroups(this.#d.stores))
      if (e.log.state) out.push(await groupInfo(e.log.state, this.#d.self, this.#d.contacts));
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A group by name (any case) or hex id; throws UnknownGroup. */
  async get(ref: string): Promise<GroupInfo> {
    return groupInfo(await this.#state(ref), this.#d.self, this.#d.contacts);
  }

  /** Whether `ref` names a group here (the CLI tries contacts first). */
  async has(ref: string): Promise<boolean> {
    return (await this.#find(ref)) !== undefined;
  }

  async #find(ref: string): Promise<GroupState | undefined> {
    const all = (await listGroups(this.#d.stores)).flatMap((e) => (e.log.state ? [e.log.state] : []));
    const byId = all.find((s) => toHex(s.id) === ref.toLowerCase());
    if (byId) return byId;
    const named = all.filter((s) => s.name.toLowerCase() === ref.toLowerCase());
    const current = named.filter((s) => memberOf(s, this.#d.self));
    const pick = current.length > 0 ? current : named;
    if (pick.length > 1)
      throw new ClientError(
        'UnknownGroup',
        `several groups are called "${ref}"; use its id (tacet groups lists them)`,
      );
    return pick[0];
  }

  async #state(ref: string): Promise<GroupState> {
    const s = await this.#find(ref);
    if (!s) throw new ClientError('UnknownGroup', `no group "${ref}"; tacet groups lists yours`);
    return s;
  }

  /** Creates a group with us as its admin and `members` (contact names or ids). */
  async create(name: string, members: readonly string[]): Promise<GroupInfo> {
    checkGroupName(name);
    checkGroupSize(new Set(members).size + 1);
    const d = this.#d;
    const others = await resolveMembers(d.stores, d.contacts, members, d.self, d.learn);
    const me = {
      accountId: d.self,
      identityKey: (await d.stores.identities.getIdentityKeyPair()).publicKey.serialize(),
    };
    const groupId = randomBytes(32);
    const change: GroupChange = {
      type: 'create',
      name,
      members: [me, ...others],
      admins: [d.self],
      timerSeconds: DEFAULT_GROUP_TIMER_SECONDS,
    };
    const entry: GroupEntry = {
      log: new GroupLog(groupId),
      distributionId: newDistributionId(),
      distributed: {},
    };
    return this.#commit(entry, change);
  }

  /** Adds contacts to a group (admins only); they cannot read anything sent before. */
  async add(ref: string, members: readonly string[]): Promise<GroupInfo> {
    const d = this.#d;
    const state = await this.#adminState(ref);
    const added = (await resolveMembers(d.stores, d.contacts, members, d.self, d.learn)).filter(
      (m) => !memberOf(state, m.accountId),
    );
    if (added.length === 0) throw new ClientError('InvalidGroupChange', 'they are all members already');
    checkGroupSize(state.members.length + added.length);
    return this.#commit(await this.#entry(state), { type: 'add', members: added });
  }

  /** Removes one member (admins only): every remaining member then rotates its sender key. */
  async remove(ref: string, member: string): Promise<GroupInfo> {
    const state = await this.#adminState(ref);
    const target = await this.#memberId(state, member);
    // The removed member is told too, then gets nothing more (group-fanout.ts).
    return this.#commit(await this.#entry(state), { type: 'remove', accountIds: [target] });
  }

  /** Leaves a group (the last admin must promote someone first). */
  async leave(ref: string): Promise<GroupInfo> {
    const state = await this.#memberState(ref);
    return this.#commit(await this.#entry(state), { type: 'leave' });
  }

  async rename(ref: string, name: string): Promise<GroupInfo> {
    checkGroupName(name);
    return this.#simple(ref, { type: 'rename', name });
  }

  async promote(ref: string, member: string): Promise<GroupInfo> {
    const state = await this.#adminState(ref);
    return this.#simple(ref, { type: 'promote', accountId: await this.#memberId(state, member) });
  }

  async demote(ref: string, member: string): Promise<GroupInfo> {
    const state = await this.#adminState(ref);
    return this.#simple(ref, { type: 'demote', accountId: await this.#memberId(state, member) });
  }

  /** Sets the disappearing timer of the group's messages (0 = off; 5 s to 4 weeks), for every member. */
  async setTimer(ref: string, seconds: number): Promise<GroupInfo> {
    if (!isValidTimer(seconds)) throw new ClientError('InvalidDuration', 'the timer must be off or 5s..4w');
    return this.#simple(ref, { type: 'timer', seconds });
  }

  async #simple(ref: string, change: GroupChange): Promise<GroupInfo> {
    const state = await this.#adminState(ref);
    return this.#commit(await this.#entry(state), change);
  }

  async #entry(state: GroupState): Promise<GroupEntry> {
    return (await loadGroup(this.#d.stores, state.id)) as GroupEntry;
  }

  async #memberState(ref: string): Promise<GroupState> {
    const state = await this.#state(ref);
    if (!memberOf(state, this.#d.self))
      throw new ClientError('NotGroupMember', `you are no longer a member of "${state.name}"`);
    return state;
  }

  async #adminState(ref: string): Promise<GroupState> {
    const state = await this.#memberState(ref);
    if (!isAdmin(state, this.#d.self))
      throw new ClientError(
        'NotGroupAdmin',
        `only an admin of "${state.name}" can change its members or settings`,
      );
    await checkMembersTrusted(this.#d.stores, this.#d.contacts, state, this.#d.self);
    return state;
  }

  /** A member's account id from a contact name, an account id, or the name shown in the group. */
  async #memberId(state: GroupState, ref: string): Promise<string> {
    const c = await this.#d.contacts.find(ref);
    if (c && memberOf(state, c.accountId)) return c.accountId;
    for (const m of state.members)
      if (m.accountId === ref || (await memberName(this.#d.contacts, m.accountId)) === ref)
        return m.accountId;
    throw new ClientError('InvalidGroupChange', `"${ref}" is not a member of "${state.name}"`);
  }

  /**
   * Signs `change` on the group's current state, applies it here, queues it
   * 1:1 for its recipients (group-fanout.ts), all in one commit; then waits
   * for the server to hold every copy.
   */
  async #commit(start: GroupEntry, change: GroupChange): Promise<GroupInfo> {
    const d = this.#d;
    const { state, items } = await d.exclusive(async () => {
      const held = (await loadGroup(d.stores, start.log.groupId)) ?? start;
      const key = await d.stores.identities.getIdentityKeyPair();
      const base = held.log.state;
      const signed = signGroupChange(base, held.log.groupId, d.self, key.privateKey, change);
      const r = await absorb(d.stores, held, [signed], d.self);
      const now = r.entry.log.state;
      if (!now || !r.applied.includes(signed)) {
        d.stores.discard();
        const why = r.warnings[0]?.detail ?? 'it does not fit the group';
        throw new ClientError('InvalidGroupChange', `that change was refused: ${why}`);
      }
      saveGroup(d.stores, r.entry);
      const out = changeItems(signed, base, now, d.self, d.clock.now());
      await d.store.apply({ records: d.stores.takeWrites(), putOutbox: out });
      return { state: now, items: out };
    });
    const info = await groupInfo(state, d.self, d.contacts);
    d.emit({ type: 'group-changed', group: info, change: change.type, by: d.self, byName: 'you' });
    const results = await Promise.allSettled(items.map((i) => d.deliver(i.id)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return info;
  }

  /**
   * Sends a text to a group; resolves once the server committed every
   * member's copy. `replyTo`: the local id of a message of this group it quotes.
   */
  async send(ref: string, text: string, opts: { replyTo?: string } = {}): Promise<MessageRecord> {
    if (text.length === 0 || text.length > MAX_TEXT_LENGTH)
      throw new ClientError('InvalidContent', `a message must have 1 to ${MAX_TEXT_LENGTH} characters`);
    const state = await this.#memberState(ref);
    await checkMembersTrusted(this.#d.stores, this.#d.contacts, state, this.#d.self);
    const quoted = opts.replyTo === undefined ? undefined : await this.#quoted(state, opts.replyTo);
    return this.#post(state, { kind: 'text', body: text, ...(quoted ? { replyTo: quoted } : {}) });
  }

  /** The content id (what every member names it by) of message `messageId` of this group. */
  async #quoted(state: GroupState, messageId: string): Promise<Uint8Array> {
    const m = await this.#d.store.getMessage(messageId);
    const contentId = m && contentIdOf(m);
    if (!m || !contentId || m.conversationId !== groupConversationId(state.id))
      throw new ClientError('UnknownContact', 'no such message in this group (it may have disappeared)');
    return fromHex(contentId);
  }

  /**
   * Sends a reaction, edit or delete (client.react, edit, deleteForEveryone
   * on a group's message) to every member under the sender key, with its
   * local effect (`updated` or `deleted`) in the same batch; resolves once
   * the server committed every copy. The members check it came from the
   * author (messenger/apply-action.ts).
   */
  async act(
    conversationId: string,
    action: Exclude<Action, { type: 'read' }>,
    updated: Omit<MessageRecord, 'seq'> | null,
    deleted?: string,
  ): Promise<void> {
    const d = this.#d;
    const groupId = groupIdOf(conversationId);
    const state = await this.#memberState(groupId ? toHex(groupId) : conversationId);
    await checkMembersTrusted(d.stores, d.contacts, state, d.self);
    const id = randomId();
    const sentAt = d.clock.now();
    const group = { id: state.id, version: state.version };
    const content = encodeContent({ kind: 'action', id, sentAt, action, group });
    const item = groupOutboxItem(id, conversationId, content, sentAt);
    await d.exclusive(() =>
      d.store.apply({
        putOutbox: [item],
        ...(updated ? { putMessages: [updated] } : {}),
        ...(deleted ? { deleteMessages: [deleted] } : {}),
      }),
    );
    if (updated) d.emit({ type: 'updated', message: updated as MessageRecord });
    await d.deliver(item.id);
  }

  /**
   * Sends a file to a group: uploaded once, for every member device to
   * fetch, its pointer (and caption) then sent like a text, under the sender
   * key. Strip metadata first (prepareFile in "@tacet/client/node").
   * @example await client.groups.sendFile('news desk', await prepareFile('./scan.pdf'), { caption: 'p. 3' })
   */
  async sendFile(ref: string, file: OutgoingFile, opts: SendFileOptions = {}): Promise<MessageRecord> {
    const caption = checkedCaption(opts);
    const state = await this.#memberState(ref);
    await checkMembersTrusted(this.#d.stores, this.#d.contacts, state, this.#d.self);
    const upload = uploadOptions(opts, await this.#memberDevices(state), state.timerSeconds);
    return this.#d.files.send(groupConversationId(state.id), file, upload, (pointer) =>
      this.#post(state, { kind: 'attachment', body: caption, pointer }),
    );
  }

  /**
   * How many devices must fetch an attachment: our own other devices, and of the other members the
   * known ones, or the most an account may have for a member whose devices
   * are not known yet (a blob must not go before a device could fetch it).
   */
  async #memberDevices(state: GroupState): Promise<number> {
    // Our other devices show the post too and may fetch the file: the blob waits for them.
    let n = await siblingCount(this.#d.stores);
    for (const m of state.members) {
      if (m.accountId === this.#d.self) continue;
      const known = (await deviceIds(this.#d.stores, m.accountId)).length;
      n += known > 0 ? known : MAX_DEVICES_PER_ACCOUNT;
    }
    return n;
  }

  /** Queues a text or an attachment to the group and waits for the server's commit of every copy. */
  async #post(
    state: GroupState,
    body:
      | { kind: 'text'; body: string; replyTo?: Uint8Array }
      | { kind: 'attachment'; body: string; pointer: AttachmentPointer },
  ): Promise<MessageRecord> {
    const d = this.#d;
    const id = randomId();
    const sentAt = d.clock.now();
    const conversationId = groupConversationId(state.id);
    const content = encodeContent({
      ...body,
      id,
      sentAt,
      clock: 0,
      timerSeconds: state.timerSeconds,
      group: { id: state.id, version: state.version },
    });
    const message: Omit<MessageRecord, 'seq'> = {
      id: toHex(id),
      conversationId,
      direction: 'out',
      kind: body.kind,
      body: body.body,
      ...(body.kind === 'attachment' ? { attachment: body.pointer } : {}),
      sentAt,
      clock: 0,
      receivedAt: sentAt,
      timerSeconds: state.timerSeconds,
      expiresAt: null,
      status: 'pending',
      ...(body.kind === 'text' && body.replyTo ? { replyTo: toHex(body.replyTo) } : {}),
    };
    const item = groupOutboxItem(id, conversationId, content, sentAt);
    await d.exclusive(() => d.store.apply({ putMessages: [message], putOutbox: [item] }));
    const stored = (await d.store.getMessage(item.id)) as MessageRecord;
    d.emit({ type: 'message', message: stored });
    await d.deliver(item.id);
    return (await d.store.getMessage(item.id)) ?? stored;
  }

  /** The group's conversation in the senders' authenticated order; `from` names each sender. */
  async messages(ref: string): Promise<MessageRecord[]> {
    const state = await this.#state(ref);
    const items = await this.#d.store.listMessages(groupConversationId(state.id), this.#d.clock.now());
    return items.sort((a, b) => compareHistory(a, b, this.#d.self));
  }

  /**
   * Sends a raw group control message 1:1. The UI never calls it; it exists
   * so tests can act as a modified client would (members must not trust it).
   * @internal
   */
  async sendControl(to: string, control: GroupControl): Promise<void> {
    const item = controlItem(to, control, this.#d.clock.now());
    await this.#d.exclusive(() => this.#d.store.apply({ putOutbox: [item] }));
    await this.#d.deliver(item.id);
  }

  /** Per member of one of our group messages: its name and whether every device of theirs has it. */
  async delivery(messageId: string): Promise<Array<{ accountId: string; name: string; delivered: boolean }>> {
    const m = await this.#d.store.getMessage(messageId);
    if (m?.direction !== 'out' || !isGroupConversation(m.conversationId))
      throw new ClientError('UnknownContact', 'no such group message of yours (it may have disappeared)');
    const out = [];
    for (const v of deliveryView(m))
      out.push({ ...v, name: await memberName(this.#d.contacts, v.accountId) });
    return out;
  }
}

/** A group post or action as it waits in the outbox for the group send path. */
function groupOutboxItem(
  id: Uint8Array,
  conversationId: string,
  content: Uint8Array,
  sentAt: number,
): OutboxItem {
  return { id: toHex(id), recipient: conversationId, content, createdAt: sentAt, ttlSeconds: 0 };
}
