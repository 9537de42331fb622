import { afterEach, beforeEach } from 'vitest';
import { Harness } from './harness.js';

/** A fresh harness with its server started before each test of the calling file (handed to `use`), disposed after it. */
export function serverEachTest(use: (h: Harness) => void): void {
  let running: Harness | undefined;
  beforeEach(async () => {
    running = new Harness();
    await running.startServer();
    use(running);
  });
  afterEach(async () => {
    await running?.dispose();
    running = undefined;
  });
}
