/**
 * startServer: opens storage, builds the HTTP app and the WebSocket
 * endpoint, starts the sweeper and heartbeat, listens, and returns a handle
 * whose close() drains gracefully: no new work, pending sends committed and
 * acked, connections closed, storage flushed. It never exits the process.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { PowIssuer } from './accounts/pow-issuer.js';
import { RateLimiter } from './accounts/rate-limiter.js';
import { SenderCertificateIssuer } from './certificates/sender-certificate-issuer.js';
import { type ResolvedConfig, resolveConfig, type ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { Sweeper } from './delivery/sweeper.js';
import { ErrorTally } from './error-tally.js';
import type { Fanout } from './fanout/fanout.js';
import { LocalFanout } from './fanout/local/local-fanout.js';
import { openRedisFanout } from './fanout/redis/index.js';
import { createApp } from './http/app.js';
import { createMetricsServer } from './http/metrics-listener.js';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SHUTDOWN_GRACE_MS } from './limits.js';
import { createLogger, errorFields, type Logger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import { readTlsFiles, type TlsServer, tlsServerFactory } from './net/tls.js';
import { TrustedProxies } from './net/trusted-proxies.js';
import { openPostgresStorage } from './storage/postgres/index.js';
import { openSqliteStorage } from './storage/sqlite/index.js';
import type { Storage } from './storage/storage.js';
import { ConnectionHub } from './ws/hub.js';
import { attachWebSockets } from './ws/upgrade.js';

/** A listening server. */
export interface RunningServer extends AsyncDisposable {
  /** `http://host:port` (`https://` with TLS); the WebSocket is at `ws(s)://host:port/v1/ws`. */
  readonly url: string;
  readonly port: number;
  /** `http://host:port/metrics` of the metrics listener, if it is open. */
  readonly metricsUrl: string | undefined;
  /** Re-reads the TLS certificate and key files (after a renewal); new connections use them. */
  reloadTls(): Promise<void>;
  /** Expired-message sweep now (tests, operators); resolves how many were deleted. */
  sweep(): Promise<number>;
  /** Attachment sweep now (past their deadline, or abandoned uploads); resolves how many were deleted. */
  sweepAttachments(): Promise<number>;
  /** Graceful shutdown; idempotent. */
  close(): Promise<void>;
}

async function buildContext(config: ServerConfig): Promise<ServerContext> {
  const resolved = resolveConfig(config);
  new TrustedProxies(resolved.trustProxy); // rejects a malformed range before anything opens
  const logger = createLogger(resolved.logLevel, resolved.logSink);
  const storage = await openStorage(resolved, logger);
  const metrics = new ServerMetrics();
  storage.onCommit = (n) => metrics.commitBatch.observe(n);
  let fanout: Fanout;
  let certificates: SenderCertificateIssuer;
  try {
    certificates = await SenderCertificateIssuer.open(storage.certificates);
    fanout = await openFanout(resolved, logger);
  } catch (err) {
    await storage.close();
    throw err;
  }
  return {
    config: resolved,
    storage,
    certificates,
    fanout,
    metrics,
    logger,
    errors: new ErrorTally(logger),
    pow: new PowIssuer(resolved.powBits, resolved.powSecret),
    registrationLimiter: new RateLimiter(resolved.registrationLimit),
    challengeLimiter: new RateLimiter(resolved.challengeLimit),
    prekeyFetchLimiter: new RateLimiter(resolved.prekeyFetchLimit),
    identityLookupLimiter: new RateLimiter(resolved.prekeyFetchLimit),
    prekeyTargetLimiter: new RateLimiter(resolved.prekeyTargetLimit),
    hub: new ConnectionHub(),
    proxies: new TrustedProxies(resolved.trustProxy),
    draining: false,
  };
}

/** The configured storage: a given factory, else PostgreSQL if a URL is set, else SQLite in dataDir. */
function openStorage(config: ResolvedConfig, logger: Logger): Promise<Storage> {
  if (config.storage) return config.storage();
  if (config.postgresUrl) {
    return openPostgresStorage({
      url: config.postgresUrl,
      onConnectionError: (err) => logger.warn('postgres connection lost', errorFields(err)),
    });
  }
  return openSqliteStorage(config.dataDir);
}

/** The configured fan-out: a given one, else Redis if a URL is set, else in-process. */
async function openFanout(config: ResolvedConfig, logger: Logger): Promise<Fanout> {
  if (config.fanout) return config.fanout;
  if (!config.redisUrl) return new LocalFanout();
  return openRedisFanout({
    url: config.redisUrl,
    prefix: config.redisPrefix,
    onError: (err) => logger.warn('redis connection problem', errorFields(err)),
  });
}

function urlOf(scheme: string, address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts a tacet server.
 * @example
 * await using server = await startServer({ dataDir: './data', port: 0 });
 * console.log(server.url);
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const tls = config.tlsCertFile && config.tlsKeyFile ? await readTlsFiles(config) : undefined;
  const ctx = await buildContext(config);
  const app = createApp(ctx);
  const server = createAdaptorServer({ fetch: app.fetch, ...(tls ? tlsServerFactory(tls) : {}) }) as Server;
  const metricsServer = ctx.config.metricsListener ? createMetricsServer(ctx.metrics) : undefined;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const wss = attachWebSockets(ctx, server);
  ctx.metrics.gauge('tacet_ws_connections', 'Open device connections.', () => ctx.hub.size);
  ctx.metrics.gauge(
    'tacet_ws_delivery_paused',
    'Connections whose delivery waits for a client that is not reading (backpressure).',
    () => ctx.hub.deliveryPaused,
  );
  const sweeper = new Sweeper(ctx.storage.queue, ctx.logger, (n) => ctx.metrics.messagesExpired.inc({}, n));
  const attachmentSweeper = new Sweeper(
    ctx.storage.attachments,
    ctx.logger,
    () => {},
    'expired attachments deleted',
  );
  let address: AddressInfo;
  let metricsAddress: AddressInfo | undefined;
  try {
    address = await listen(server, ctx.config.port, ctx.config.host);
    if (metricsServer)
      metricsAddress = await listen(metricsServer, ctx.config.metricsPort, ctx.config.metricsHost);
  } catch (err) {
    server.close();
    await ctx.fanout.close();
    await ctx.storage.close();
    throw err;
  }
  sweeper.start(ctx.config.sweepIntervalMs);
  attachmentSweeper.start(ctx.config.sweepIntervalMs);
  ctx.errors.start(ctx.config.errorLogIntervalMs);
  ctx.hub.startHeartbeat(ctx.config.pingIntervalMs);
  const url = urlOf(tls ? 'https' : 'http', address);
  const metricsUrl = metricsAddress && `${urlOf('http', metricsAddress)}/metrics`;
  ctx.logger.info('listening', { url, ...(metricsUrl ? { metricsUrl } : {}) });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= shutdown(ctx, server, wss, [sweeper, attachmentSweeper]).finally(() =>
      metricsServer?.close(),
    );
    return closing;
  };
  const reloadTls = async () => {
    if (!tls) throw new RangeError('the server was started without TLS');
    (server as unknown as TlsServer).setSecureContext(await readTlsFiles(config));
    ctx.logger.info('tls reloaded');
  };
  return {
    url,
    port: address.port,
    metricsUrl,
    reloadTls,
    sweep: () => sweeper.sweep(),
    sweepAttachments: () => attachmentSweeper.sweep(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function shutdown(
  ctx: ServerContext,
  server: Server,
  wss: ReturnType<typeof attachWebSockets>,
  sweepers: Sweeper[],
): Promise<void> {
  ctx.draining = true;
  ctx.logger.info('shutting down');
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets that finish their request during the drain become idle later; close them as they do.
  const idle = setInterval(() => server.closeIdleConnections(), 20);
  server.closeIdleConnections();
  const grace = setTimeout(() => {
    server.closeAllConnections();
    for (const ws of wss.clients) ws.terminate();
  }, SHUTDOWN_GRACE_MS);
  await ctx.hub.drainAll();
  for (const s of sweepers) await s.stop();
  await stopped;
  clearInterval(idle);
  clearTimeout(grace);
  wss.close();
  await ctx.fanout.close();
  await ctx.storage.close();
  ctx.errors.stop();
  ctx.logger.info('stopped');
}
