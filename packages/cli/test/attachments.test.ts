/**
 * Files through the CLI (issue 12, item 5): `tacet send-file` with a
 * progress bar and a caption, `tacet receive --json --save DIR` writing the
 * checked file and printing {from, file, name, size, sha256}, a photo that
 * arrives without its GPS tags, and `tacet chat` showing an attachment as a
 * line with name and size and sending one with `/file PATH`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTacetServer, tacet, tacetInPty, until } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-cli-files-'));
const alice = join(root, 'alice');
const bob = join(root, 'bob');
const GPS_JPEG = join(import.meta.dirname, '../../client/test/attachments/fixtures/gps.jpg');
let server: Awaited<ReturnType<typeof startTacetServer>>;
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
