/**
 * /healthz on the API port, and /metrics there only for a bearer of the
 * configured metrics token (the metrics listener, http/metrics-listener.ts,
 * is the default place to scrape). Neither carries an identifier.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Constant-time check of an `Authorization: Bearer` header against `token`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function opsRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    if (ctx.draining) return c.json({ status: 'draining' }, 503);
    try {
      await ctx.storage.ping();
    } catch {
      return c.json({ status: 'storage_unavailable' }, 503);
    }
    return c.json({ status: 'ok' });
  });
  const token = ctx.config.metricsToken;
  if (token) {
    app.get('/metrics', (c) => {
      // Same answer as an unknown route, so the API port does not reveal that metrics exist.
      if (!bearerMatches(c.req.header('authorization'), token)) return c.notFound();
      return c.text(ctx.metrics.render(), 200, { 'content-type': METRICS_CONTENT_TYPE });
    });
  }
  return app;
}
