/**
 * The ProtocolError code a call throws, for tests that check which typed
 * error a decoder or operation refuses with. Any other exception is rethrown
 * so a crash never passes for a refusal.
 */
import { ProtocolError } from '../../src/errors.js';

/** `fn()`'s ProtocolError code, or 'no error' when it returns. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return 'no error';
}
