/**
 * Crypto barrel. `primitives` is the backend the package.json `#crypto-backend`
 * import condition selects: node:crypto on Node, @noble/* everywhere else.
 * Protocol code calls only `primitives`; tests also use `nobleBackend` to check
 * that both give the same answers.
 */
import { backend } from '#crypto-backend';
import type { Primitives } from './primitives.js';

export { assertBytes, concatBytes, constantTimeEqual, fromHex, toHex, zeroize } from './bytes.js';
export { nobleBackend } from './noble-backend.js';
export type { PreparedHkdf, Primitives } from './primitives.js';

/**
 * The selected backend.
 *
 * @example
 * import { primitives } from '@tacet/protocol';
 * const seed = primitives.hmacSha256(chainKey, Uint8Array.of(1));
 */
export const primitives: Primitives = backend;
