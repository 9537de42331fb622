/**
 * Attachments end to end (issue 12, item 6), on SQLite and on PostgreSQL:
 * real server, real clients on real SQLite profiles, real sockets. A 10 MiB
 * round trip with equal sha256; a JPEG with GPS EXIF that arrives with none;
 * a tampered blob refused with nothing written; expiry that removes the
 * blob from the server and the saved copy and key from both profiles (byte
 * scan); an upload whose connection is cut mid-piece and resumes; a file
 * over the cap refused before any upload.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempPostgresDatabase, type TempPostgresDatabase } from '@tacet/testkit';
import Database from 'better-sqlite3';
import exifr from 'exifr';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientError, type MessageRecord, type TacetClient } from '../../src/index.js';
import { nodeFileSink, prepareFile, STORE_FILE, shredExpired } from '../../src/index.node.js';
import { startCuttingProxy } from '../support/cutting-proxy.js';
import { reaches, registerMembers } from '../support/groups.js';
import { Harness, until } from '../support/harness.js';
import { filesContaining } from '../support/scan.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Backend {
  name: string;
  config(): Promise<{ postgresUrl?: string }>;
  /** Flips one byte of the stored blob, as a hostile server would. */
  tamper(h: Harness): Promise<void>;
  /** Bytes of blobs the server holds (files or chunk rows). */
  storedBlobs(h: Harness): Promise<number>;
  /** The deadline the server holds for blob `id`. */
  deadline(h: Harness, id: Uint8Array): Promise<number | undefined>;
}

let db: TempPostgresDatabase | undefined;
async function pgQuery(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: db?.url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

const blobDir = (h: Harness) => join(h.serverDir, 'attachments');
const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    config: async () => ({}),
    async tamper(h) {
      for (const f of readdirSync(blobDir(h))) {
        const b = readFileSync(join(blobDir(h), f));
        b[Math.floor(b.length / 2)] = (b[Math.floor(b.length / 2)] as number) ^ 1;
        writeFileSync(join(blobDir(h), f), b);
      }
    },
    storedBlobs: async (h) => (existsSync(blobDir(h)) ? readdirSync(blobDir(h)).length : 0),
    async deadline(h, id) {
      const server = new Database(join(h.serverDir, 'tacet.sqlite'), { readonly: true });
      try {
        const at = server.prepare('SELECT expires_at FROM attachments WHERE id = ?').pluck().get(id);
        return at === undefined ? undefined : Number(at);
      } finally {
        server.close();
      }
    },
  },
  {
    name: 'postgres',
    async config() {
      db = await createTempPostgresDatabase();
      return { postgresUrl: db.url };
    },
    async tamper() {
      await pgQuery(
        "UPDATE attachment_chunks SET data = overlay(data placing '\\xff'::bytea from 100 for 1) WHERE start_offset = 0",
      );
    },
    storedBlobs: async () => Number((await pgQuery('SELECT count(*) AS n FROM attachments'))[0]?.n),
    async deadline(_h, id) {
      const [row] = await pgQuery('SELECT expires_at FROM attachments WHERE id = $1', [Buffer.from(id)]);
      return row === undefined ? undefined : Number(row.expires_at);
    },
  },
];

async function received(client: TacetClient, from: string): Promise<MessageRecord> {
  return until(
    async () => (await client.messages(from)).find((m) => m.direction === 'in' && m.kind === 'attachment'),
    20_000,
    'attachment message',
  );
}

describe.each(BACKENDS)('attachments on $name', { timeout: 90_000 }, (backend) => {
  let h: Harness;
  let config: { postgresUrl?: string };
  beforeAll(async () => {
    config = await backend.config();
  });
  afterAll(async () => {
    await db?.drop();
    db = undefined;
  });
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(async () => {
    await h.dispose();
    if (db) await pgQuery('DELETE FROM attachments');
  });

  it('sends 10 MiB that arrive with an equal sha256, with progress both ways, then leave the server', async () => {
    const { alice, bob } = await h.startConnectedPair(config);
    const path = join(h.tempDir('files'), 'big.bin');
    const bytes = new Uint8Array(randomBytes(10 * 1024 * 1024));
    writeFileSync(path, bytes);
    const up: number[] = [];
    const file = await prepareFile(path);
    expect(file.mayCarryMetadata).toBe(true);
    const sent = await alice.client.sendFile('bob', file, {
      caption: 'the file',
      onProgress: (d) => up.push(d),
    });
    expect(sent.status).toBe('sent');
    expect(up.at(-1)).toBeGreaterThan(bytes.length);
    const m = await received(bob.client, 'alice');
    expect([m.body, m.attachment?.fileName, m.attachment?.size]).toEqual([
      'the file',
      'big.bin',
      bytes.length,
    ]);
    const out = h.tempDir('saved');
    const down: number[] = [];
    const saved = await bob.client.saveAttachment(
      m.id,
      await nodeFileSink(out, m.attachment?.fileName ?? '', join(bob.dir, 'tmp')),
      (d) => down.push(d),
    );
    expect(saved).toBe(join(out, 'big.bin'));
    expect(sha(readFileSync(saved))).toBe(sha(bytes));
    expect(down.at(-1)).toBe(up.at(-1));
    // Bob was the one recipient device: his acknowledgement deleted the blob.
    expect(await backend.storedBlobs(h)).toBe(0);
  });

  it('strips GPS from a JPEG before it leaves the sender', async () => {
    const { alice, bob } = await h.startConnectedPair(config);
    const original = readFileSync(join(FIXTURES, 'gps.jpg'));
    expect((await exifr.gps(original))?.latitude).toBeCloseTo(52.52, 2);
    const file = await prepareFile(join(FIXTURES, 'gps.jpg'));
    expect([file.contentType, file.mayCarryMetadata]).toEqual(['image/jpeg', false]);
    await alice.client.sendFile('bob', file);
    const m = await received(bob.client, 'alice');
    const saved = await bob.client.saveAttachment(
      m.id,
      await nodeFileSink(h.tempDir('saved'), 'gps.jpg', join(bob.dir, 'tmp')),
    );
    const got = readFileSync(saved);
    expect(got.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(await exifr.gps(got)).toBeUndefined();
    for (const marker of ['GPS', 'TacetCam', 'SOURCE-', 'Exif']) expect(got.includes(marker)).toBe(false);
  });

  it('refuses a tampered blob and writes nothing', async () => {
    const { alice, bob } = await h.startConnectedPair(config);
    const path = join(h.tempDir('files'), 'doc.pdf');
    writeFileSync(path, randomBytes(300_000));
    await alice.client.sendFile('bob', await prepareFile(path));
    const m = await received(bob.client, 'alice');
    await backend.tamper(h);
    const out = h.tempDir('saved');
    const tmp = join(bob.dir, 'tmp');
    const err = await bob.client
      .saveAttachment(m.id, await nodeFileSink(out, 'doc.pdf', tmp))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('AttachmentCorrupt');
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    // Not acknowledged: the blob stays for the sender to be asked again, until its deadline.
    expect(await backend.storedBlobs(h)).toBe(1);
  });

  it('on expiry leaves no blob on the server and no key or copy in either profile', async () => {
    const { alice, bob } = await h.startConnectedPair(config);
    await alice.client.setTimer('bob', 5);
    await until(async () => (await bob.client.contacts.get('alice')).timerSeconds === 5, 20_000, 'timer');
    const path = join(h.tempDir('files'), 'note.txt');
    const secret = new Uint8Array(randomBytes(50_000));
    writeFileSync(path, secret);
    const sent = await alice.client.sendFile('bob', await prepareFile(path));
    const m = await received(bob.client, 'alice');
    const key = m.attachment?.key as Uint8Array;
    const saved = await bob.client.saveAttachment(
      m.id,
      await nodeFileSink(h.tempDir('saved'), 'note.txt', join(bob.dir, 'tmp')),
    );
    expect(existsSync(saved)).toBe(true);
    await bob.client.markDisplayed([m.id]);
    await until(
      async () => !(await bob.client.store.getMessage(m.id)) && !existsSync(saved),
      20_000,
      "bob's expiry",
    );
    await until(async () => !(await alice.client.store.getMessage(sent.id)), 20_000, "alice's expiry");
    expect(await backend.storedBlobs(h)).toBe(0);
    await h.closeClient(alice.client);
    await h.closeClient(bob.client);
    const dirs = [alice.dir, bob.dir, h.serverDir];
    expect(filesContaining(dirs, key.subarray(0, 32))).toEqual([]);
    expect(filesContaining(dirs, key.subarray(32))).toEqual([]);
    expect(filesContaining(dirs, secret.subarray(1000, 1064))).toEqual([]);
  });

  it("leaves the server at the sender's deadline under the default 30 s timer, though no one fetched it", async () => {
    const { alice, bob } = await h.startConnectedPair(config);
    expect((await alice.client.contacts.get('bob')).timerSeconds).toBe(30);
    const path = join(h.tempDir('files'), 'unread.txt');
    writeFileSync(path, randomBytes(40_000));
    const sent = await alice.client.sendFile('bob', await prepareFile(path));
    const deadline = sent.expiresAt as number;
    // The sender's countdown started when the server had the message, after the upload.
    expect(deadline).toBeGreaterThanOrEqual(sent.sentAt + 30_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(30_000);
    const id = sent.attachment?.id as Uint8Array;
    // The sender's copy and the blob go together, however long the upload took.
    await until(async () => (await backend.deadline(h, id)) === deadline, 20_000, 'announced deadline');
    const m = await received(bob.client, 'alice');
    await until(() => Date.now() > deadline, 40_000, "the sender's deadline");
    await h.server.sweepAttachments();
    expect(await backend.storedBlobs(h)).toBe(0);
    const err = await bob.client
      .saveAttachment(m.id, await nodeFileSink(h.tempDir('saved'), 'unread.txt', join(bob.dir, 'tmp')))
      .catch((e) => e);
    expect((err as ClientError).code).toBe('AttachmentUnavailable');
  });

  it('sends a file to a group: each member saves it whole, and it leaves at the last one', async () => {
    await h.startServer(config);
    const [alice, bob, carol] = await registerMembers(h, ['alice', 'bob', 'carol']);
    await alice.client.groups.create('desk', ['bob', 'carol']);
    for (const m of [bob, carol]) await reaches(m, 'desk', 1);
    const path = join(h.tempDir('files'), 'leak.pdf');
    const bytes = new Uint8Array(randomBytes(2 * 1024 * 1024 + 7));
    writeFileSync(path, bytes);
    const up: number[] = [];
    const sent = await alice.client.groups.sendFile('desk', await prepareFile(path), {
      caption: 'for the desk',
      onProgress: (d) => up.push(d),
    });
    expect([sent.kind, sent.conversationId.startsWith('group:'), up.length > 0]).toEqual([
      'attachment',
      true,
      true,
    ]);
    for (const [i, m] of [bob, carol].entries()) {
      const got = await until(
        async () => (await m.client.groups.messages('desk')).find((x) => x.kind === 'attachment'),
        20_000,
        `${m.name} gets the file`,
      );
      expect([got.from, got.body, got.attachment?.fileName]).toEqual([
        alice.client.accountId,
        'for the desk',
        'leak.pdf',
      ]);
      const saved = await m.client.saveAttachment(
        got.id,
        await nodeFileSink(h.tempDir('saved'), 'leak.pdf', join(m.dir, 'tmp')),
      );
      expect(sha(readFileSync(saved))).toBe(sha(bytes));
      // One upload for both members' devices: it stays until the second has it.
      expect(await backend.storedBlobs(h)).toBe(i === 0 ? 1 : 0);
    }
  });

  it("waits for the sender's other device too: the blob goes only once Bob and Alice's laptop have it", async () => {
    const { alice, bob } = await h.startConnectedPair(config);
    const laptop = await h.link(alice.client, 'alice-laptop');
    await laptop.client.connect();
    const path = join(h.tempDir('files'), 'both.bin');
    const bytes = new Uint8Array(randomBytes(100_000));
    writeFileSync(path, bytes);
    const sent = await alice.client.sendFile('bob', await prepareFile(path));
    const m = await received(bob.client, 'alice');
    await bob.client.saveAttachment(
      m.id,
      await nodeFileSink(h.tempDir('saved'), 'both.bin', join(bob.dir, 'tmp')),
    );
    expect(await backend.storedBlobs(h)).toBe(1);
    // The laptop shows Alice's message as sent (a sync transcript) and can save the file from it.
    const copy = await until(
      async () => await laptop.client.store.getMessage(sent.id),
      20_000,
      "the laptop's copy",
    );
    const saved = await laptop.client.saveAttachment(
      copy.id,
      await nodeFileSink(h.tempDir('saved'), 'both.bin', join(laptop.dir, 'tmp')),
    );
    expect(sha(readFileSync(saved))).toBe(sha(bytes));
    expect(await backend.storedBlobs(h)).toBe(0);
  });

  it('resumes an upload whose connection is cut mid-piece', async () => {
    let cuts = () => 0;
    const { alice, bob } = await h.startConnectedPair(config, async (server) => {
      const proxy = await startCuttingProxy(new URL(server.url), 2 * 1024 * 1024);
      cuts = () => proxy.cuts;
      h.onDispose(() => proxy.close());
      return proxy.url;
    });
    const path = join(h.tempDir('files'), 'cut.bin');
    const bytes = new Uint8Array(randomBytes(6 * 1024 * 1024));
    writeFileSync(path, bytes);
    await alice.client.sendFile('bob', await prepareFile(path));
    expect(cuts()).toBe(1);
    const m = await received(bob.client, 'alice');
    const saved = await bob.client.saveAttachment(
      m.id,
      await nodeFileSink(h.tempDir('saved'), 'cut.bin', join(bob.dir, 'tmp')),
    );
    expect(sha(readFileSync(saved))).toBe(sha(bytes));
  });

  it('refuses a file over the cap before any upload', async () => {
    const { alice } = await h.startConnectedPair({ ...config, maxAttachmentBytes: 1024 * 1024 });
    const path = join(h.tempDir('files'), 'large.bin');
    writeFileSync(path, randomBytes(1024 * 1024 + 1));
    const err = await alice.client.sendFile('bob', await prepareFile(path)).catch((e) => e);
    expect((err as ClientError).code).toBe('AttachmentTooLarge');
    expect((err as ClientError).message).toContain('limit of 1048576 bytes');
    expect(await backend.storedBlobs(h)).toBe(0);
    expect(await alice.client.messages('bob')).toEqual([]);
  });
});

describe('a saved copy whose message expired while no client ran', { timeout: 60_000 }, () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.dispose());

  it('is shredded when the profile is next opened (the passphrase-less reaper only removes rows)', async () => {
    const { alice, bob } = await h.startConnectedPair();
    await alice.client.setTimer('bob', 5);
    await until(async () => (await bob.client.contacts.get('alice')).timerSeconds === 5, 20_000, 'timer');
    const path = join(h.tempDir('files'), 'left.txt');
    writeFileSync(path, 'left behind?');
    await alice.client.sendFile('bob', await prepareFile(path));
    const m = await received(bob.client, 'alice');
    const saved = await bob.client.saveAttachment(
      m.id,
      await nodeFileSink(h.tempDir('saved'), 'left.txt', join(bob.dir, 'tmp')),
    );
    const [shown] = await bob.client.markDisplayed([m.id]);
    await h.closeClient(bob.client);
    // The CLI's reaper: rows shredded by deadline, without the passphrase.
    await until(() => Date.now() > (shown?.expiresAt ?? 0), 10_000, 'deadline');
    const db = new Database(join(bob.dir, STORE_FILE));
    expect(shredExpired(db, Date.now())).toEqual([m.id]);
    db.close();
    expect(existsSync(saved)).toBe(true);
    await h.reopen(bob.dir, 'bob');
    expect(existsSync(saved)).toBe(false);
  });
});
