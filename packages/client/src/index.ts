/**
 * @tacet/client — the isomorphic client SDK: TacetClient (registration, key
 * upkeep, sessions, send/receive with receipts, outbox, de-duplication,
 * identity trust), the local store port, disappearing-message timers. The
 * store adapters have their own entry points: "@tacet/client/node" (SQLite,
 * native scrypt, `ws`) and "@tacet/client/indexeddb" (browsers).
 */
export type { AccountInfo, PowProgress, PowSolver } from './account/register.js';
export type { AttachmentSink } from './attachments/download.js';
export {
  type CleanImage,
  cleanImage,
  IMAGE_CONTENT_TYPES,
  imageKind,
  type Orienter,
} from './attachments/metadata/strip.js';
export { type AttachmentPointer, MAX_THUMBNAIL_BYTES } from './attachments/pointer.js';
export type { OutgoingFile, SendFileOptions } from './attachments/transfers.js';
export type { TransferProgress } from './attachments/upload.js';
export {
  type NewDeviceLinking,
  TacetClient,
  type TacetClientOptions,
} from './client.js';
export { type Contact, canonicalAccountId } from './contacts.js';
export { ACTION_VERSION, type Action } from './content/actions.js';
export { MAX_TEXT_LENGTH } from './content/content.js';
export * from './errors.js';
export type { ClientEvent, ClientListener } from './events.js';
export type { GroupChange } from './groups/group-change.js';
export type { GroupInfo, GroupMemberInfo } from './groups/group-info.js';
export { DEFAULT_GROUP_TIMER_SECONDS, MAX_GROUP_MEMBERS } from './groups/group-state.js';
export type { Groups } from './groups/groups.js';
export type { ExistingDeviceLink } from './linking/existing-device.js';
export { type IdentityClaim, MAX_HELD_PER_SENDER } from './messenger/held-apart.js';
export { compareHistory, type SettingVersion } from './messenger/ordering.js';
export { safetyNumberRows } from './safety-number.js';
export type { KdfParams, PassphraseKdf } from './store/at-rest.js';
export type * from './store/types.js';
export * from './timers/index.js';
export type { WebSocketFactory, WebSocketLike } from './transport/connection.js';
