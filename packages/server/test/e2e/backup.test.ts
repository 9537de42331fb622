/**
 * Backup while serving, then disaster: the data directory is wiped, the
 * backup restored, the server restarted; clients reconnect with their old
 * credentials and receive every message the server had acknowledged before
 * the backup began.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupSqlite, restoreSqlite } from '../../src/index.js';
import { hex, register, startTestServer, TestSocket } from '../support/harness.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('backup and restore (SQLite)', () => {
  it('restores every acknowledged message after a wipe; clients reconnect', async () => {
    const dataDir = join(root, 'data');
    const backupFile = join(root, 'tacet-backup.sqlite');
    const t = await startTestServer({ dataDir });
    const [alice, bob] = await Promise.all([register(t.server.url), register(t.server.url)]);
    const a = await TestSocket.open(t.server.url, alice.auth);
    const sent = new Map<number, string>();
    const send = (i: number) => {
      const { requestId, id } = a.send([bob], new TextEncoder().encode(`m${i}`));
      sent.set(requestId, hex(id));
    };
    for (let i = 0; i < 200; i++) send(i);
    await a.until(() => a.results().length >= 200);
    // Acknowledged before the backup begins: these must survive.
    const ackedBefore = a.results().map((r) => sent.get(r.requestId) as string);
    // Traffic keeps flowing while the backup runs.
    for (let i = 200; i < 400; i++) send(i);
    await backupSqlite(dataDir, backupFile);
    await a.until(() => a.results().length >= 400);
    expect(a.results().every((r) => r.ok)).toBe(true);
    await a.close();

    await expect(restoreSqlite(backupFile, dataDir)).rejects.toThrow(/is using .*stop it/);
    await t.server.close();
    rmSync(dataDir, { recursive: true, force: true });
    await restoreSqlite(backupFile, dataDir);

    const again = await startTestServer({ dataDir });
    try {
      const b = await TestSocket.open(again.server.url, bob.auth);
      await b.until((f) => f.some((x) => x.kind.case === 'queueDrained'));
      const delivered = new Set(b.envelopes().map((e) => hex(e.id)));
      expect(ackedBefore.filter((id) => !delivered.has(id))).toEqual([]);
      const a2 = await TestSocket.open(again.server.url, alice.auth);
      expect((await a2.sendAndWait([bob], new TextEncoder().encode('after restore'))).result?.ok).toBe(true);
      await Promise.all([a2.close(), b.close()]);
    } finally {
      await again.stop();
    }
  });

  it('refuses a file that is not a tacet database, and a missing source', async () => {
    const junk = join(root, 'junk.sqlite');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(junk, 'not a database at all');
    await expect(restoreSqlite(junk, join(root, 'other'))).rejects.toThrow(/not a readable SQLite database/);
    await expect(backupSqlite(join(root, 'nowhere'), join(root, 'x.sqlite'))).rejects.toThrow(
      /no tacet database/,
    );
  });
});
