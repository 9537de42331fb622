/**
 * The networked half of `npm run bench:groups`: a real tacet server (SQLite,
 * temp dir) in this process, the sender and every member device registered
 * on it and connected over their own WebSocket. Timed from the sender's
 * first byte of work until every member's connection has the message
 * (arrived and acked); each copy is opened afterwards, untimed, to check it.
 * The members share this process, so their sockets compete for one CPU as
 * they would not on their own devices: both rows pay that alike.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tacet/server';
import { parseAccountId } from '@tacet/wire';
import { solveChallenge } from '../../packages/client/src/account/register.js';
import { accountUuid } from '../../packages/client/src/groups/group-send.js';
import { nodeWebSocket } from '../../packages/client/src/index.node.js';
import { Connection } from '../../packages/client/src/transport/connection.js';
import { type DeviceCredentials, HttpApi, wsLogin } from '../../packages/client/src/transport/http-api.js';

const UNLIMITED = { burst: 1_000_000, perHour: 1_000_000_000 };

export interface Device {
  readonly creds: DeviceCredentials;
  /** The UUID form of the account id: how sealed sender names it. */
  readonly uuid: string;
}

interface Member extends Device {
  conn?: Connection;
  got: Uint8Array[];
}

export interface Network {
  readonly sender: Device;
  readonly members: readonly Device[];
  /**
   * Starts `send`, and resolves with the ms until each of the first `n`
   * members' connections holds `each` more envelopes; returns what each got.
   */
  timeUntilAllHaveIt(
    n: number,
    send: () => Promise<void>,
    each?: number,
  ): Promise<{ ms: number; copies: Uint8Array[][] }>;
  /** The sender's connection (1:1 sends) and its authenticated API (the group upload). */
  readonly conn: Connection;
  readonly api: HttpApi;
  close(): Promise<void>;
}

async function registerDevice(url: string, registrationId: number): Promise<Device> {
  const api = new HttpApi(url);
  const { challenge, bits } = await api.challenge();
  const nonce = await solveChallenge(challenge, bits);
  const r = (await api.register({ pow: { challenge, nonce }, registrationId })) as DeviceCredentials;
  const creds = { accountId: r.accountId, deviceId: r.deviceId, credential: r.credential };
  return { creds, uuid: accountUuid(creds.accountId) };
}

/** A server and `n` member devices plus a sender, registered and connected. */
export async function startNetwork(n: number, registrationIds: (i: number) => number): Promise<Network> {
  const root = mkdtempSync(join(tmpdir(), 'tacet-bench-groups-net-'));
  const server = await startServer({
    dataDir: join(root, 'server'),
    port: 0,
    powBits: 4,
    maxQueueLength: 100_000,
    registrationLimit: UNLIMITED,
    challengeLimit: UNLIMITED,
    logLevel: 'error',
    logSink: () => undefined,
  });
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/ws`;
  const sender = await registerDevice(server.url, registrationIds(n));
  const members: Member[] = [];
  for (let i = 0; i < n; i++)
    members.push({ ...(await registerDevice(server.url, registrationIds(i))), got: [] });

  let round: { left: Map<Member, number>; done: (t: number) => void } | undefined;
  for (const m of members)
    m.conn = await Connection.open(wsUrl, wsLogin(m.creds), nodeWebSocket, {
      async onEnvelope(e, from) {
        m.got.push(e.content);
        from.ack([e.id]);
        const left = round?.left.get(m);
        if (!round || left === undefined) return;
        if (left > 1) round.left.set(m, left - 1);
        else round.left.delete(m);
        if (round.left.size === 0) round.done(performance.now());
      },
    });
  const conn = await Connection.open(wsUrl, wsLogin(sender.creds), nodeWebSocket, {
    async onEnvelope(e, from) {
      from.ack([e.id]);
    },
  });
  return {
    sender,
    members,
    conn,
    api: new HttpApi(server.url).withCredentials(sender.creds),
    async timeUntilAllHaveIt(k, send, each = 1) {
      const group = members.slice(0, k);
      for (const m of group) m.got = [];
      const arrived = new Promise<number>((done) => {
        round = { left: new Map(group.map((m) => [m, each])), done };
      });
      const start = performance.now();
      await send();
      const end = await arrived;
      round = undefined;
      return { ms: end - start, copies: group.map((m) => m.got) };
    },
    async close() {
      for (const m of members) await m.conn?.close();
      await conn.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One 1:1 send as the client makes it: one sealed envelope for one device, acked once stored. */
export function sendOne(net: Network, to: Device, content: Uint8Array): Promise<void> {
  return net.conn.send({
    id: randomBytes(16),
    ttlSeconds: 0,
    envelopes: [{ accountId: parseAccountId(to.creds.accountId), deviceId: to.creds.deviceId, content }],
  });
}
