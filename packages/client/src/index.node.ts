/**
 * @tacet/client/node — Node-only adapters: the SQLite store and native scrypt.
 */
export {
  nodeScrypt,
  type OpenSqliteStoreOptions,
  openSqliteStore,
  STORE_FILE,
} from './store/sqlite/open.node.js';
export { SqliteStore, shredExpired } from './store/sqlite/sqlite-store.node.js';
