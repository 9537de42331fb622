/**
 * The boundary between the UI and the client SDK: everything a screen needs,
 * nothing about transport or storage. `sdk-service.ts` implements it over
 * @tacet/client; components only ever see this interface.
 */
import type { ExistingDeviceLink, GroupInfo, MessageRecord, NewDeviceLinking } from '@tacet/client';

/** A group as the screens show it: name, members (admins marked), whether we are still in it. */
export type GroupView = GroupInfo;

/** One member's delivery of one of our group messages. */
export interface MemberDelivery {
  readonly accountId: string;
  readonly name: string;
  /** Every device of theirs has it. */
  readonly delivered: boolean;
}

/** A contact as the chat list shows it. */
export interface ContactView {
  /** Account id, display form. */
  readonly id: string;
  readonly name: string;
  readonly verified: boolean;
  /** The contact's identity key changed and the person has not accepted it yet: sending is blocked. */
  readonly identityChanged: boolean;
  /** The person verified an earlier key: a changed one is accepted only by verifying it again. */
  readonly wasVerified?: boolean;
  /**
   * The person verified this contact and then the contact's device list
   * changed: messages to them wait (queued) until acceptDevices.
   */
  readonly devicesPaused: boolean;
  /** Disappearing timer of the conversation, seconds; 0 = off. */
  readonly timerSeconds: number;
  /**
   * A new key claims to be this contact: its messages are held apart, not
   * shown. `confirmed`: the server's directory lists the new key, so it may be accepted.
   */
  readonly claim?: { readonly confirmed: boolean; readonly held: number };
}

/** Connection to the server. */
export type ConnectionState = 'connecting' | 'online' | 'offline';

/** A safety number: 60 digits to read out, and the QR payload to scan. */
export interface SafetyNumberView {
  readonly digits: string;
  readonly qr: Uint8Array | string;
}

/** One device of this account. */
export interface DeviceView {
  readonly deviceId: number;
  /** The device this browser is. */
  readonly current: boolean;
}

/**
 * Linking a device to this account, from the code the new device shows:
 * show `comparison`; `confirm()` once the person sees the same on the new device.
 */
export type PendingLink = ExistingDeviceLink;

/**
 * This browser becoming a new device of an existing account: show `code`,
 * wait for `comparison()`, then `confirm()` once the person sees the same
 * code on the other device (or `cancel()`: the profile is deleted again).
 */
export interface NewDeviceLink extends Omit<NewDeviceLinking, 'confirm'> {
  /** The person confirmed both show the same: resolves the messenger of the linked account. */
  confirm(): Promise<ChatService>;
}

/** Group traffic that was refused (forged, replayed, not from an admin...) or a gap tacet is catching up on. */
export interface GroupWarningView {
  readonly reason: string;
  /** What happened, in the SDK's plain words. */
  readonly detail: string;
  /** Account id of whoever signed or sent it; '' when unknown. */
  readonly signer: string;
}

/** A contact's signed device list changed (they linked or removed a device). */
export interface DeviceNoticeView {
  /** How many devices their list names now. */
  readonly devices: number;
  /** The contact is verified, so sending waits until the person accepts the change. */
  readonly paused: boolean;
}

/** What changed, so screens re-read only what they show. */
export type ServiceEvent =
  /**
   * `contactId` '*' means any conversation; `arrived` marks a new incoming item,
   * `from` its sender's account id (in a group, `contactId` is the group's conversation).
   */
  | { type: 'messages'; contactId: string; arrived?: boolean; from?: string }
  | { type: 'contacts' }
  /** A group was created, changed, or we joined or left one. */
  | { type: 'groups' }
  /** `groupId`'s warnings (listGroupWarnings) gained one. */
  | { type: 'group-warning'; groupId: string }
  /** A device was linked or removed. */
  | { type: 'devices' }
  /** `contactId`'s device notices (listDeviceNotices) gained one. */
  | { type: 'device-notice'; contactId: string }
  | { type: 'connection'; state: ConnectionState };

/** The messenger, as the UI uses it. */
export interface ChatService {
  /** This account's id, display form. */
  readonly accountId: string;
  connection(): ConnectionState;
  listContacts(): Promise<ContactView[]>;
  /** Refuses an id the server does not know ("no such account"), without claiming a prekey. */
  addContact(id: string, name: string): Promise<void>;
  renameContact(contactId: string, name: string): Promise<void>;
  /** Forgets the contact and shreds the conversation. */
  deleteContact(contactId: string): Promise<void>;
  /** Conversation items, oldest first, expired ones excluded. */
  listMessages(contactId: string): Promise<MessageRecord[]>;
  /** `replyTo`: the local id of the message this one quotes. */
  send(contactId: string, text: string, replyTo?: string): Promise<void>;
  /** '' takes our reaction back. These three take a group message's id too. */
  react(messageId: string, emoji: string): Promise<void>;
  /** Our own texts only. */
  edit(messageId: string, text: string): Promise<void>;
  /** Our own messages only: shredded here and on the peer's side. */
  deleteForEveryone(messageId: string): Promise<void>;
  /** Read receipts: off unless turned on. */
  readReceipts(): Promise<boolean>;
  setReadReceipts(on: boolean): Promise<void>;
  /** These incoming messages are on screen: tells their sender if read receipts are on. */
  markRead(messageIds: readonly string[]): Promise<void>;
  /** Deletes the account on the server; the caller then wipes the profile (Launcher.wipe). */
  deleteAccount(): Promise<void>;
  setTimer(contactId: string, seconds: number): Promise<void>;
  /**
   * Cleans (pictures lose their metadata), encrypts and sends a picked or
   * dropped file; `onProgress` gets the share uploaded (0..1).
   * Resolves whether the file may carry metadata of its own (documents).
   */
  sendFile(
    contactId: string,
    file: File,
    onProgress: (fraction: number) => void,
  ): Promise<{ mayCarryMetadata: boolean }>;
  /** Downloads, checks and decrypts an attachment once; resolves an object URL of it (revoked at expiry). */
  openAttachment(messageId: string, onProgress: (fraction: number) => void): Promise<string>;
  safetyNumber(contactId: string): Promise<SafetyNumberView>;
  markVerified(contactId: string): Promise<void>;
  acceptIdentityChange(contactId: string): Promise<void>;
  /** Changes of the contact's device list since this page opened, oldest first. */
  listDeviceNotices(contactId: string): Promise<DeviceNoticeView[]>;
  /** The person checked with a verified contact that their changed devices are theirs: waiting messages go out. */
  acceptDevices(contactId: string): Promise<void>;
  /** Accepts the new key claiming to be the contact (if the directory confirms it); its held messages appear. */
  acceptClaim(contactId: string): Promise<void>;
  /** Starts the recipient's countdown of these incoming messages: they are on screen now. */
  markDisplayed(contactId: string, messageIds: readonly string[]): Promise<void>;
  /** Groups we are or were in; a group's messages are filed under its `conversationId`. */
  listGroups(): Promise<GroupView[]>;
  /** A new group with us as its admin; `memberIds` are contacts' account ids. */
  createGroup(name: string, memberIds: readonly string[]): Promise<GroupView>;
  /** Admins only. */
  addGroupMembers(groupId: string, memberIds: readonly string[]): Promise<void>;
  /** Admins only: the removed member gets nothing sent to the group afterwards. */
  removeGroupMember(groupId: string, accountId: string): Promise<void>;
  leaveGroup(groupId: string): Promise<void>;
  /** Admins only: every member sees the new name. */
  renameGroup(groupId: string, name: string): Promise<void>;
  /** Admins only: makes a member an admin too (the last admin must do this before leaving). */
  promoteGroupMember(groupId: string, accountId: string): Promise<void>;
  /** Admins only: takes a member's admin role back. */
  demoteGroupMember(groupId: string, accountId: string): Promise<void>;
  /** The group's conversation, oldest first; incoming items carry `from`. */
  listGroupMessages(groupId: string): Promise<MessageRecord[]>;
  /** `replyTo`: the local id of a message of this group it quotes. */
  sendToGroup(groupId: string, text: string, replyTo?: string): Promise<void>;
  /** As `sendFile`, to every member of the group (uploaded once). */
  sendFileToGroup(
    groupId: string,
    file: File,
    onProgress: (fraction: number) => void,
  ): Promise<{ mayCarryMetadata: boolean }>;
  /** Admins only: the disappearing timer of every member's messages to the group. */
  setGroupTimer(groupId: string, seconds: number): Promise<void>;
  /** Warnings about a group's traffic since this page opened, oldest first. */
  listGroupWarnings(groupId: string): Promise<GroupWarningView[]>;
  /** Per member: whether every device of theirs has this message of ours. */
  groupDelivery(messageId: string): Promise<MemberDelivery[]>;
  /** This account's devices, from its signed device list. */
  devices(): Promise<DeviceView[]>;
  /** Starts linking the device that shows `code`; refuses a malformed or expired code. */
  linkDevice(code: string): Promise<PendingLink>;
  /** Signs a device list without it; the server then revokes it. Not this device. */
  removeDevice(deviceId: number): Promise<void>;
  subscribe(listener: (event: ServiceEvent) => void): () => void;
  close(): Promise<void>;
}

/** Opens the messenger: a new account on this device, or the existing one. */
export interface Launcher {
  /** Whether this browser already holds an account (then `unlock`, else `register`). */
  hasAccount(): Promise<boolean>;
  /** Creates an account; `onProgress` gets the share of the proof-of-work done (0..1, may pass 1). */
  register(passphrase: string, onProgress: (fraction: number) => void): Promise<ChatService>;
  unlock(passphrase: string): Promise<ChatService>;
  /** Makes this browser a new device of an account held elsewhere, its profile under `passphrase`. */
  beginLink(passphrase: string): Promise<NewDeviceLink>;
  /** "Forgot passphrase — start over": deletes this browser's profile (account keys and messages). */
  wipe(): Promise<void>;
}
