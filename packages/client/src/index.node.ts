/**
 * @tacet/client/node — Node-only adapters: the SQLite store, native scrypt,
 * and a WebSocket factory on `ws`.
 */

export { nodeFileSink, readFileChunks, safeFileName, shredFile } from './attachments/node-file.node.js';
export { prepareFile } from './attachments/prepare-file.node.js';
export {
  nodeScrypt,
  type OpenSqliteStoreOptions,
  openSqliteStore,
  STORE_FILE,
} from './store/sqlite/open.node.js';
export { shredExpired } from './store/sqlite/sqlite-rows.node.js';
export { nodeWebSocket } from './transport/node-websocket.node.js';
