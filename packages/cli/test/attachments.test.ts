/**
 * Files through the CLI (issue 12, item 5): `tacet send-file` with a
 * progress bar and a caption, `tacet receive --json --save DIR` writing the
 * checked file and printing {from, file, name, size, sha256}, a photo that
 * arrives without its GPS tags, and `tacet chat` showing an attachment as a
 * line with name and size and sending one with `/file PATH`.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCuttingProxy } from '../../client/test/support/cutting-proxy.js';
import { NODE_ARGS, startTacetServer, tacet, tacetInPty, until } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-cli-files-'));
const alice = join(root, 'alice');
const bob = join(root, 'bob');
const GPS_JPEG = join(import.meta.dirname, '../../client/test/attachments/fixtures/gps.jpg');
let server: Awaited<ReturnType<typeof startTacetServer>>;
let bobId = '';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  server = await startTacetServer(join(root, 'server'));
  const ids: Record<string, string> = {};
  for (const [name, dir] of [
    ['alice', alice],
    ['bob', bob],
  ] as const) {
    const r = await tacet(['--profile', dir, 'register', '--server', server.url]);
    expect(r.code, r.stderr).toBe(0);
    ids[name] = r.stdout.trim().split('\n').pop() as string;
  }
  expect((await tacet(['--profile', alice, 'add', ids.bob as string, 'bob'])).code).toBe(0);
  expect((await tacet(['--profile', bob, 'add', ids.alice as string, 'alice'])).code).toBe(0);
  bobId = ids.bob as string;
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** `receive --json --save dir` as `profile` (Bob unless said): one parsed line per item. */
async function receiveSaved(dir: string, profile = bob): Promise<Record<string, unknown>[]> {
  const got = await tacet(['--profile', profile, 'receive', '--wait', '15', '--json', '--save', dir]);
  expect(got.code, got.stderr).toBe(0);
  return got.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('tacet send-file and receive --save', { timeout: 90_000 }, () => {
  it('sends a document with a caption and saves it checked, printing its sha256', async () => {
    const path = join(root, 'report.pdf');
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 5));
    writeFileSync(path, bytes);
    const sent = await tacet(['--profile', alice, 'send-file', 'bob', path, '--caption', 'the report']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toMatch(/documents may carry metadata/);
    expect(sent.stderr).toMatch(/sending report\.pdf 100%/);
    expect(sent.stderr).toMatch(/sent report\.pdf \(3\.0 MiB\) to bob/);
    const out = join(root, 'inbox');
    const [line] = await receiveSaved(out);
    expect(line).toEqual({
      from: 'alice',
      file: join(out, 'report.pdf'),
      name: 'report.pdf',
      size: bytes.length,
      sha256: sha(bytes),
    });
    expect(sha(readFileSync(join(out, 'report.pdf')))).toBe(sha(bytes));
  });

  it('delivers a photo without its GPS tags', async () => {
    const sent = await tacet(['--profile', alice, 'send-file', 'bob', GPS_JPEG]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).not.toMatch(/documents may carry metadata/);
    const out = join(root, 'photos');
    const [line] = await receiveSaved(out);
    expect(line?.name).toBe('gps.jpg');
    const got = readFileSync(line?.file as string);
    expect(line?.sha256).toBe(sha(got));
    for (const marker of ['GPS', 'TacetCam', 'Exif']) expect(got.includes(marker)).toBe(false);
    expect(readdirSync(out)).toEqual(['gps.jpg']);
  });

  it('refuses a missing file with a usage error', async () => {
    const r = await tacet(['--profile', alice, 'send-file', 'bob', join(root, 'nope.bin')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such file/);
  });
});

describe('attachments in tacet chat', { timeout: 90_000 }, () => {
  it('shows an arriving file with its name and size, and sends one with /file', async () => {
    const chat = tacetInPty(['--profile', bob, 'chat', 'alice']);
    const note = join(root, 'note.txt');
    writeFileSync(note, 'a note for alice\n');
    try {
      await until(() => chat.output.includes('online'), 20_000, 'chat screen');
      const path = join(root, 'minutes.txt');
      writeFileSync(path, randomBytes(2048));
      const sent = await tacet(['--profile', alice, 'send-file', 'bob', path, '--caption', 'minutes']);
      expect(sent.code, sent.stderr).toBe(0);
      await until(() => /📎 minutes\.txt \(2\.0 KiB\) minutes/.test(chat.output), 20_000, 'attachment line');
      chat.type(`/file ${note}\r`);
      await until(() => /sent note\.txt \(17 B\) to alice ✓/.test(chat.output), 20_000, 'file sent');
      chat.type('\x03');
      expect(await chat.exited).toBe(0);
    } finally {
      chat.child.kill();
    }
    const out = join(root, 'alice-inbox');
    const lines = await receiveSaved(out, alice);
    expect(lines.map((l) => l.name)).toContain('note.txt');
    expect(readFileSync(join(out, 'note.txt'), 'utf8')).toBe('a note for alice\n');
  });
});

describe('files to a group', { timeout: 120_000 }, () => {
  it('send-file GROUP reaches a member through receive --save, and /file works in a group chat', async () => {
    const created = await tacet(['--profile', alice, 'group', 'create', 'files desk', 'bob']);
    expect(created.code, created.stderr).toBe(0);
    const path = join(root, 'leak.pdf');
    const bytes = new Uint8Array(randomBytes(1024 * 1024 + 3));
    writeFileSync(path, bytes);
    const sent = await tacet([
      '--profile',
      alice,
      'send-file',
      'files desk',
      path,
      '--caption',
      'for the desk',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toMatch(/sent leak\.pdf \(1\.0 MiB\) to files desk/);
    const out = join(root, 'group-inbox');
    const lines = await receiveSaved(out);
    expect(lines.find((l) => l.name === 'leak.pdf')).toEqual({
      group: 'files desk',
      from: 'alice',
      file: join(out, 'leak.pdf'),
      name: 'leak.pdf',
      size: bytes.length,
      sha256: sha(bytes),
    });
    expect(sha(readFileSync(join(out, 'leak.pdf')))).toBe(sha(bytes));

    const chat = tacetInPty(['--profile', bob, 'chat', 'files desk']);
    const note = join(root, 'desk-note.txt');
    writeFileSync(note, 'a note for the desk\n');
    try {
      await until(() => chat.output.includes('online'), 20_000, 'chat screen');
      chat.type(`/file ${note}\r`);
      await until(
        () => /sent desk-note\.txt \(20 B\) to files desk ✓/.test(chat.output),
        20_000,
        'file sent',
      );
      chat.type('\x03');
      expect(await chat.exited).toBe(0);
    } finally {
      chat.child.kill();
    }
    const aliceOut = join(root, 'alice-desk');
    const saved = (await receiveSaved(aliceOut, alice)).find((l) => l.name === 'desk-note.txt');
    expect(saved).toMatchObject({ group: 'files desk', from: 'bob' });
    expect(readFileSync(join(aliceOut, 'desk-note.txt'), 'utf8')).toBe('a note for the desk\n');
  });
});

describe('an upload cut short by the CLI dying', { timeout: 120_000 }, () => {
  it('goes on from where it stopped when the file is sent again', async () => {
    // Erin reaches the server through a proxy that holds her upload mid-way.
    const proxy = await startCuttingProxy(new URL(server.url), 12 * 1024 * 1024, 'hold');
    const erin = join(root, 'erin');
    try {
      const r = await tacet(['--profile', erin, 'register', '--server', proxy.url]);
      expect(r.code, r.stderr).toBe(0);
      const erinId = r.stdout.trim().split('\n').pop() as string;
      expect((await tacet(['--profile', erin, 'add', bobId, 'bob'])).code).toBe(0);
      expect((await tacet(['--profile', bob, 'add', erinId, 'erin'])).code).toBe(0);
      const path = join(root, 'archive.bin');
      const bytes = new Uint8Array(randomBytes(40 * 1024 * 1024));
      writeFileSync(path, bytes);

      const first = spawn(process.execPath, [...NODE_ARGS, '--profile', erin, 'send-file', 'bob', path], {
        env: { ...process.env, TACET_PASSPHRASE: 'test passphrase' },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => first.once('exit', r));
      await proxy.interrupted;
      // The first 8 MiB piece is on the server; the second is under way when the process dies.
      await until(async () => (await upload())[0] >= 8 * 1024 * 1024, 20_000, 'first piece stored');
      first.kill('SIGKILL');
      await exited;
      proxy.disarm();

      const again = await tacet(['--profile', erin, 'send-file', 'bob', path]);
      expect(again.code, again.stderr).toBe(0);
      const resumed = /resuming the earlier upload of archive\.bin: ([\d.]+) MiB of [\d.]+ MiB/.exec(
        again.stderr,
      );
      expect(Number(resumed?.[1]), again.stderr).toBeGreaterThanOrEqual(8);
      // One slot, now complete: the second run sent only the rest of the same blob.
      const [received, size, slots] = await upload();
      expect([received, slots]).toEqual([size, 1]);
      const [line] = await receiveSaved(join(root, 'archive-inbox'));
      expect(line).toMatchObject({
        from: 'erin',
        name: 'archive.bin',
        size: bytes.length,
        sha256: sha(bytes),
      });
    } finally {
      await proxy.close();
    }
  });
});

/** The largest upload on the server: bytes received, its size, and how many slots that large there are. */
async function upload(): Promise<[number, number, number]> {
  const db = new Database(join(root, 'server', 'tacet.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT received, size FROM attachments WHERE size > ? ORDER BY received DESC')
      .all(32 * 1024 * 1024) as Array<{ received: number; size: number }>;
    return [rows[0]?.received ?? 0, rows[0]?.size ?? 0, rows.length];
  } finally {
    db.close();
  }
}
