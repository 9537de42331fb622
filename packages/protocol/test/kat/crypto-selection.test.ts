/**
 * The `#crypto-backend` import condition picks node:crypto on Node (tests run
 * under the "source" + "node" conditions), and the public barrel exposes it.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend, primitives } from '../../src/crypto/index.js';

describe('backend selection', () => {
  it('selects the node:crypto backend on Node and keeps noble available', () => {
    expect(primitives.name).toBe('node:crypto');
    expect(nobleBackend.name).toBe('noble');
  });
});
