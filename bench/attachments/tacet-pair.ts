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
import { type RssReport, rssChild } from './rss-child.js';
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
  /** Resolves bob's message ids of the next `n` attachments, in order. */
  const nextFiles = (n: number) =>
    new Promise<string[]>((resolve) => {
      const ids: string[] = [];
      const off = bob.on((e) => {
        if (e.type === 'message' && e.message.kind === 'attachment' && ids.push(e.message.id) === n) {
          off();
          resolve(ids);
        }
      });
    });
  const nextFile = async () => ((await nextFiles(1)) as [string])[0];
  /** Sends `path`; resolves bob's message id once it arrived. */
  const send = async (path: string) => {
    const arrived = nextFile();
    await alice.sendFile('bob', await prepareFile(path));
    return arrived;
  };
  const receive = async (id: string, into: string) =>
    bob.saveAttachment(id, await nodeFileSink(join(root, into), 'copy.bin', join(root, 'bob', 'tmp')));
  let aliceOpen = true;
  let bobOpen = true;
  return {
    /**
     * RSS growth of sending and then of receiving `path`, each in a process of
     * its own (alice's and bob's clients here are closed for it).
     */
    async rss(path: string, into: string): Promise<{ up: RssReport; down: RssReport }> {
      // The child sends a warm-up file first, then `path`.
      const arrived = nextFiles(2);
      await alice.close();
      aliceOpen = false;
      const up = await rssChild(['send', join(root, 'alice'), path]);
      const [warm, id] = await arrived;
      await bob.close();
      bobOpen = false;
      const down = await rssChild(['receive', join(root, 'bob'), `${warm},${id}`, join(root, into)]);
      return { up, down };
    },
    async roundTrip(path: string, into: string) {
      const t0 = performance.now();
      const id = await send(path);
      const t1 = performance.now();
      await receive(id, into);
      return { upMs: t1 - t0, downMs: performance.now() - t1 };
    },
    async close() {
      if (aliceOpen) await alice.close();
      if (bobOpen) await bob.close();
      await server.stop();
    },
  };
}
