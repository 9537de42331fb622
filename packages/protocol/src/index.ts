/**
 * @tacet/protocol — the Signal protocol, isomorphic: keys, XEdDSA, Kyber1024,
 * PQXDH, Double Ratchet, sender keys, sealed sender, safety numbers, wire codecs.
 * State in, state out: no I/O, no timers, no Node-only modules.
 */
export * from './crypto/index.js';
export * from './device-list/index.js';
export * from './errors.js';
export * from './fingerprint/index.js';
export * from './group/index.js';
export * from './keys/index.js';
export { SEALED_SENDER_V2_SENT_MAX_LENGTH } from './limits.js';
export * from './sealed-sender/index.js';
export * from './session/index.js';
export * from './wire/index.js';
