/** The ClientStore contract against the SQLite adapter (real files, Node). */
import { afterEach, beforeEach, describe, it } from 'vitest';
import { sqliteHarness } from './sqlite-harness.js';
import { storeContract } from './store-contract.js';

describe('ClientStore contract: sqlite', () => {
  let h: ReturnType<typeof sqliteHarness>;
  beforeEach(() => {
    h = sqliteHarness();
  });
  afterEach(() => h.cleanup());
  for (const [name, run] of Object.entries(storeContract)) it(name, () => run(h));
});
