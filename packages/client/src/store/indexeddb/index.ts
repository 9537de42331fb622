/**
 * @tacet/client/indexeddb — the browser adapter of the client store:
 * IndexedDB for sealed rows, OPFS for per-message keys.
 */
export {
  DB_PREFIX,
  deleteProfile,
  type OpenIndexedDbStoreOptions,
  openIndexedDbStore,
  profileExists,
} from './open.js';
