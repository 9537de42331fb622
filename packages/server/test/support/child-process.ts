/** Starts the test server script (server-child.ts) in a separate Node process. */
import { fileURLToPath } from 'node:url';
import { type ChildServer, spawnListening } from './spawn-listening.js';

export type { ChildServer } from './spawn-listening.js';

const SCRIPT = fileURLToPath(new URL('./server-child.ts', import.meta.url));

/** Starts test/support/server-child.ts on `dataDir`. */
export function spawnServer(dataDir: string): Promise<ChildServer> {
  return spawnListening(SCRIPT, dataDir, 'server child');
}
