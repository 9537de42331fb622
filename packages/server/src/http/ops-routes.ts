/** /healthz and /metrics: unauthenticated, no identifiers in either. */
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';

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
  app.get('/metrics', (c) =>
    c.text(ctx.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );
  return app;
}
