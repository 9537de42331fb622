/**
 * A conversation the chat session can open: a contact's or a group's. The
 * session, the screen and the message commands use only this, so a name is
 * typed the same way for both (`tacet chat desk`, `/switch desk`, `@desk hi`)
 * and each action goes to the SDK call of its kind.
 */
import {
  ClientError,
  type Contact,
  type GroupInfo,
  type OutgoingFile,
  type SendFileOptions,
  type TacetClient,
} from '@tacet/client';

export interface ChatConversation {
  readonly kind: 'contact' | 'group';
  /** What its messages are stored under (`MessageRecord.conversationId`): the account id, or "group:…". */
  readonly id: string;
  /** How the SDK is told which one: the account id, or the group's hex id (group names may repeat). */
  readonly ref: string;
  readonly name: string;
  readonly timerSeconds: number;
  /** A group's sender names by account id (a member who is not a contact is shown by id). */
  readonly senders: ReadonlyMap<string, string>;
  /** Whether we may still send here (false once we left or were removed from a group). */
  readonly member: boolean;
}

function ofContact(k: Contact): ChatConversation {
  return {
    kind: 'contact',
    id: k.accountId,
    ref: k.accountId,
    name: k.name,
    timerSeconds: k.timerSeconds,
    senders: new Map([[k.accountId, k.name]]),
    member: true,
  };
}

function ofGroup(g: GroupInfo): ChatConversation {
  return {
    kind: 'group',
    id: g.conversationId,
    ref: g.id,
    name: g.name,
    timerSeconds: g.timerSeconds,
    senders: new Map(g.members.map((m) => [m.accountId, m.name])),
    member: g.member,
  };
}

/** Contacts first, then the groups we are still in, as /contacts lists them. */
export async function listConversations(c: TacetClient): Promise<ChatConversation[]> {
  const groups = (await c.groups.list()).filter((g) => g.member);
  return [...(await c.contacts.list()).map(ofContact), ...groups.map(ofGroup)];
}

/** The conversation `name` means: a contact (name or id) first, else a group (name or id). */
export async function findConversation(c: TacetClient, name: string): Promise<ChatConversation> {
  const k = await c.contacts.find(name);
  if (k) return ofContact(k);
  if (await c.groups.has(name)) return ofGroup(await c.groups.get(name));
  throw new ClientError('UnknownContact', `no contact or group "${name}"; /contacts lists them`);
}

/** The same conversation read again (a rename, a new timer, a member who joined or left). */
export async function reread(c: TacetClient, open: ChatConversation): Promise<ChatConversation> {
  if (open.kind === 'group') return ofGroup(await c.groups.get(open.ref));
  const k = await c.contacts.byId(open.ref);
  return k ? ofContact(k) : open;
}

export function conversationMessages(c: TacetClient, open: ChatConversation) {
  return open.kind === 'group' ? c.groups.messages(open.ref) : c.messages(open.ref);
}

/** `replyTo`: the local id of a message of this conversation it quotes. */
export function sendText(c: TacetClient, open: ChatConversation, text: string, replyTo?: string) {
  const opts = replyTo === undefined ? {} : { replyTo };
  return open.kind === 'group' ? c.groups.send(open.ref, text, opts) : c.send(open.ref, text, opts);
}

export function sendFile(c: TacetClient, open: ChatConversation, file: OutgoingFile, opts: SendFileOptions) {
  return open.kind === 'group' ? c.groups.sendFile(open.ref, file, opts) : c.sendFile(open.ref, file, opts);
}

export async function setConversationTimer(
  c: TacetClient,
  open: ChatConversation,
  seconds: number,
): Promise<void> {
  if (open.kind === 'group') await c.groups.setTimer(open.ref, seconds);
  else await c.setTimer(open.ref, seconds);
}

/** A contact whose safety number changed blocks sending; a group names such a member when a send is refused. */
export async function isUntrusted(c: TacetClient, open: ChatConversation): Promise<boolean> {
  return open.kind === 'contact' && (await c.isUntrusted(open.ref));
}

/** The name shown in front of an incoming message. */
export function senderName(open: ChatConversation | null, from: string | undefined): string {
  if (!open) return '?';
  if (open.kind === 'contact') return open.name;
  return (from && open.senders.get(from)) ?? from ?? '?';
}
