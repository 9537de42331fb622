/**
 * @tacet/client — the isomorphic client SDK: TacetClient (registration, key
 * upkeep, sessions, send/receive with receipts, outbox, de-duplication,
 * identity trust), the local store port, encryption at rest, disappearing-
 * message timers. Node-only adapters (SQLite, native scrypt, `ws`) are
 * exported from "@tacet/client/node".
 */
export type { AccountInfo, PowProgress, PowSolver } from './account/register.js';
export { TacetClient, type TacetClientOptions } from './client.js';
export { type Contact, canonicalAccountId } from './contacts.js';
export { MAX_TEXT_LENGTH } from './content/content.js';
export * from './errors.js';
export type { ClientEvent, ClientListener } from './events.js';
export * from './store/at-rest.js';
/** Shared by other store adapters (e.g. @tacet/web's IndexedDB store) so message bodies and corrupt-row errors match. */
export {
  corrupt as storeCorrupt,
  decodeMessage as decodeStoredMessage,
  encodeMessage as encodeStoredMessage,
  parseJson as parseStoredJson,
} from './store/codec.js';
export type * from './store/types.js';
export * from './timers/index.js';
export type { WebSocketFactory, WebSocketLike } from './transport/connection.js';
