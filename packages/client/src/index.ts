/**
 * @tacet/client — the isomorphic client SDK: local store port, encryption at
 * rest, disappearing-message timers, sessions, send/receive. Node-only
 * adapters (SQLite, native scrypt) are exported from "@tacet/client/node".
 */
export * from './errors.js';
export * from './store/at-rest.js';
export type * from './store/types.js';
export * from './timers/index.js';
