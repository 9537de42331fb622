/**
 * tacet's durable storage alone, in its own process: SQLite storage on the
 * benchmark's file system, sends enqueued at a fixed rate to 100 devices and
 * each acked (deleted) once durable, as a live recipient would. It times
 * enqueue -> durable (the group commit, the WAL sync and any checkpoint
 * holding commits), with no sockets, frames or load generators: the part of a
 * send's latency the storage makes, apart from what the machine's scheduler
 * adds to the whole server. Replies
 * `{type: 'storage', latenciesMs, cpuMicros}` and exits.
 *
 *   argv: dataDir perSecond durationMs
 */
import { randomBytes } from 'node:crypto';
import { openSqliteStorage } from '@tacet/server';

const [dataDir, perSecondArg, durationArg] = process.argv.slice(2);
const perSecond = Number(perSecondArg);
const durationMs = Number(durationArg);
const DEVICES = 100;
const CONTENT = new Uint8Array(200);

const storage = await openSqliteStorage(dataDir as string);
const devices: Uint8Array[] = [];
for (let i = 0; i < DEVICES; i++) {
  const accountId = new Uint8Array(randomBytes(16));
  await storage.accounts.createAccount({
    accountId,
    credentialHash: new Uint8Array(randomBytes(16)),
    registrationId: 1,
    createdAt: Date.now(),
  });
  devices.push(accountId);
}

const latencies: number[] = [];
let sent = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
await new Promise<void>((resolve) => {
  // The load generators' schedule: every 2 ms, the sends due by then.
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    const due = Math.floor((perSecond * Math.min(elapsed, durationMs)) / 1000);
    for (; sent < due; sent++) {
      const to = devices[sent % DEVICES] as Uint8Array;
      const id = new Uint8Array(randomBytes(16));
      const at = performance.now();
      const now = Date.now();
      void storage.queue
        .enqueue(
          {
            id,
            serverTimestamp: now,
            expiresAt: now + 60_000,
            copies: [{ accountId: to, deviceId: 1, content: CONTENT }],
          },
          1_000_000,
        )
        .then(() => {
          latencies.push(performance.now() - at);
          // Acked on the next turn, like a recipient's ack frame.
          setImmediate(() => void storage.queue.ack(to, 1, [id]));
        });
    }
    if (elapsed >= durationMs) {
      clearInterval(timer);
      resolve();
    }
  }, 2);
});
while (latencies.length < sent) await new Promise((r) => setImmediate(r));
const cpu = process.cpuUsage(cpuBefore);
await storage.close();
process.send?.({ type: 'storage', latenciesMs: latencies, cpuMicros: cpu.user + cpu.system });
process.disconnect();
