/**
 * `npm run bench:attachments` (issue 12, item 7): upload + download of a
 * 50 MiB file through tacet (metadata check, encrypt, upload in pieces with
 * a server sync per piece, streamed download, MAC and digest check,
 * decrypt into a file) against a plain HTTP PUT + GET of the same bytes to
 * a bare Node server, in the same run; goal >= 50% of its throughput. The
 * two alternate for `--rounds` rounds (default 3) and the best of each is
 * compared, since the machine is shared. Then the client's RSS growth while
 * sending and while receiving a 100 MiB file, each in a fresh process of
 * its own; goal <= 64 MiB each. Servers run in child processes too.
 * Flags: --mib N (default 50), --rss-mib N (default 100), --rounds N.
 */
import { rerunWithSource } from './rerun-with-source.js';

if (!rerunWithSource(import.meta.url, ['--expose-gc'])) await main();

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { startServerChild } = await import('./attachments/servers.js');
  const { makeFile, plainRoundTrip } = await import('./attachments/plain.js');
  const { startTacetPair } = await import('./attachments/tacet-pair.js');

  const mib = flag('--mib', 50);
  const rssMib = flag('--rss-mib', 100);
  const rounds = flag('--rounds', 3);
  const root = mkdtempSync(join(tmpdir(), 'tacet-bench-attach-'));
  console.log(
    `attachments benchmark: ${mib} MiB round trip x ${rounds}, ${rssMib} MiB for RSS; node ${process.version}`,
  );
  const file = makeFile(join(root, 'bench.bin'), mib);
  const plain = await startServerChild('plain', mkdtempSync(join(root, 'plain-')));
  const tacet = await startTacetPair(root);
  try {
    await measure();
  } finally {
    await plain.stop();
    await tacet.close();
    rmSync(root, { recursive: true, force: true });
  }

  async function measure(): Promise<void> {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    let bestPlain = Infinity;
    let bestTacet = Infinity;
    for (let r = 0; r < rounds; r++) {
      const p = await plainRoundTrip(plain.url, file, join(root, 'plain-copy'));
      const t = await tacet.roundTrip(file, `saved-${r}`);
      bestPlain = Math.min(bestPlain, p.upMs + p.downMs);
      bestTacet = Math.min(bestTacet, t.upMs + t.downMs);
      console.log(
        `  round ${r + 1}: plain PUT ${s(p.upMs)} GET ${s(p.downMs)}; tacet upload ${s(t.upMs)} download ${s(t.downMs)}`,
      );
    }
    const rate = (ms: number) => ((2 * mib) / (ms / 1000)).toFixed(1);
    console.log(`plain HTTP PUT + GET (best): ${rate(bestPlain)} MiB/s`);
    console.log(`tacet upload + download (best): ${rate(bestTacet)} MiB/s`);
    console.log(`ratio tacet / plain: ${(bestPlain / bestTacet).toFixed(3)} (goal >= 0.5)`);

    const big = makeFile(join(root, 'big.bin'), rssMib);
    const { up, down } = await tacet.rss(big, 'saved-big');
    const growth = (x: { before: number; peak: number }) => ((x.peak - x.before) / 2 ** 20).toFixed(1);
    console.log(
      `client RSS growth for ${rssMib} MiB: sending ${growth(up)} MiB, receiving ${growth(down)} MiB (goal <= 64 each; each in a fresh process, RSS before ${(up.before / 2 ** 20).toFixed(0)} / ${(down.before / 2 ** 20).toFixed(0)} MiB)`,
    );
  }
}
