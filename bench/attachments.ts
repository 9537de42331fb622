/**
 * `npm run bench:attachments` (issue 12, item 7): upload + download of a
 * 50 MiB file through tacet (encrypt, resumable upload in pieces, server
 * store with a sync per piece, streamed download, digest check, decrypt
 * into a file) against a plain HTTP PUT + GET of the same bytes to a bare
 * Node server, in the same run; goal >= 50% of its throughput. Then the
 * client's RSS growth while sending and while receiving a 100 MiB file;
 * goal <= 64 MiB each. Servers run in child processes, so the RSS is the
 * client's alone. Flags: --mib N (default 50), --rss-mib N (default 100).
 */
import { rerunWithSource } from './rerun-with-source.js';

if (!rerunWithSource(import.meta.url, ['--expose-gc'])) await main();

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const { randomBytes } = await import('node:crypto');
  const { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { Readable } = await import('node:stream');
  const { pipeline } = await import('node:stream/promises');
  const { startServerChild } = await import('./attachments/servers.js');
  const { peakRssDuring } = await import('./attachments/rss-sampler.js');
  const { TacetClient } = await import('../packages/client/src/index.js');
  const { nodeFileSink, nodeWebSocket, openSqliteStore, prepareFile } = await import(
    '../packages/client/src/index.node.js'
  );

  const mib = flag('--mib', 50);
  const rssMib = flag('--rss-mib', 100);
  const root = mkdtempSync(join(tmpdir(), 'tacet-bench-attach-'));
  const MiB = 1024 * 1024;
  const makeFile = (name: string, n: number) => {
    const p = join(root, name);
    const out = new Uint8Array(n * MiB);
    for (let i = 0; i < n; i++) out.set(randomBytes(MiB), i * MiB);
    writeFileSync(p, out);
    return p;
  };
  console.log(`attachments benchmark: ${mib} MiB round trip, ${rssMib} MiB for RSS; node ${process.version}`);
  const file = makeFile('bench.bin', mib);

  // Baseline: plain HTTP PUT + GET of the same bytes.
  const plain = await startServerChild('plain', mkdtempSync(join(root, 'plain-')));
  const plainStart = performance.now();
  const put = await fetch(`${plain.url}/blob`, {
    method: 'PUT',
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (put.status !== 204) throw new Error(`plain PUT: ${put.status}`);
  const plainPutMs = performance.now() - plainStart;
  const got = await fetch(`${plain.url}/blob`);
  await pipeline(Readable.fromWeb(got.body as never), createWriteStream(join(root, 'plain-copy')));
  const plainMs = performance.now() - plainStart;
  console.log(
    `  plain PUT ${(plainPutMs / 1000).toFixed(2)} s, GET ${((plainMs - plainPutMs) / 1000).toFixed(2)} s`,
  );
  await plain.stop();

  const tacetServer = await startServerChild('tacet', mkdtempSync(join(root, 'tacet-')));
  const open = async (name: string) => {
    const store = await openSqliteStore({ dir: join(root, name), passphrase: 'bench', logN: 14 });
    return TacetClient.register({ store, webSocket: nodeWebSocket, serverUrl: tacetServer.url });
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
  const roundTrip = async (path: string, into: string) => {
    const arrived = nextFile();
    const t0 = performance.now();
    const up = await peakRssDuring(async () => alice.sendFile('bob', await prepareFile(path)));
    const id = await arrived;
    const t1 = performance.now();
    const down = await peakRssDuring(async () =>
      bob.saveAttachment(id, await nodeFileSink(join(root, into), 'copy.bin', join(root, 'bob', 'tmp'))),
    );
    const t2 = performance.now();
    return { up, down, upMs: t1 - t0, downMs: t2 - t1 };
  };

  const tacetStart = performance.now();
  const trip = await roundTrip(file, 'saved');
  const tacetMs = performance.now() - tacetStart;
  console.log(
    `  tacet upload ${(trip.upMs / 1000).toFixed(2)} s, download ${(trip.downMs / 1000).toFixed(2)} s`,
  );
  const rate = (ms: number) => (2 * mib) / (ms / 1000);
  console.log(`plain HTTP PUT + GET: ${rate(plainMs).toFixed(1)} MiB/s (${(plainMs / 1000).toFixed(2)} s)`);
  console.log(
    `tacet upload + download (encrypt, pieces, digest, decrypt): ${rate(tacetMs).toFixed(1)} MiB/s (${(tacetMs / 1000).toFixed(2)} s)`,
  );
  console.log(`ratio tacet / plain: ${(plainMs / tacetMs).toFixed(3)} (goal >= 0.5)`);

  const big = makeFile('big.bin', rssMib);
  const { up, down } = await roundTrip(big, 'saved-big');
  const growth = (r: { before: number; peak: number }) => ((r.peak - r.before) / MiB).toFixed(1);
  console.log(
    `client RSS growth for ${rssMib} MiB: sending ${growth(up)} MiB, receiving ${growth(down)} MiB (goal <= 64 each; RSS before ${(up.before / MiB).toFixed(0)} MiB)`,
  );

  await alice.close();
  await bob.close();
  await tacetServer.stop();
  rmSync(root, { recursive: true, force: true });
}
