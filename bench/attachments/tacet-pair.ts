/**
 * The tacet side of `bench:attachments`: a tacet server in a child process
 * and two SDK clients (alice sends, bob receives) in this process, on
 * encrypted SQLite profiles. A round trip is alice's sendFile until the
 * server has the message, then bob's saveAttachment into a folder.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { TacetClient } from '../../packages/client/src/index.js';
import {
  nodeFileSink,
  nodeWebSocket,
  openSqliteStore,
  prepareFile,
} from '../../packages/client/src/index.node.js';
import { startServerChild } from './servers.js';

export async function startTacetPair(root: string) {
  const server = await startServerChild('tacet', mkdtempSync(join(root, 'tacet-')));
  const open = async (name: string) => {
    const store = await openSqliteStore({ dir: join(root, name), passphrase: 'bench', logN: 14 });
    return TacetClient.register({ store, webSocket: nodeWebSocket, serverUrl: server.url });
  };
  const alice = await open('alice');
  const bob = await open('bob');
  await alice.addContact(bob.accountId, 'bob');
  await bob.addContact(alice.accountId, 'alice');
  await alice.connect();
  await bob.connect();
  const nextFile = () =>
    new Promise<string>((resolve) => {
      const off = bob.on((e) => {
        if (e.type === 'message' && e.message.kind === 'attachment') {
          off();
          resolve(e.message.id);
        }
      });
    });
  /** Sends `path`; resolves bob's message id once it arrived. */
  const send = async (path: string) => {
    const arrived = nextFile();
    await alice.sendFile('bob', await prepareFile(path));
    return arrived;
  };
  const receive = async (id: string, into: string) =>
    bob.saveAttachment(id, await nodeFileSink(join(root, into), 'copy.bin', join(root, 'bob', 'tmp')));
  return {
    send,
    receive,
    async roundTrip(path: string, into: string) {
      const t0 = performance.now();
      const id = await send(path);
      const t1 = performance.now();
      await receive(id, into);
      return { upMs: t1 - t0, downMs: performance.now() - t1 };
    },
    async close() {
      await alice.close();
      await bob.close();
      await server.stop();
    },
  };
}
