/**
 * The HTTP application: routes, the single error mapper, request metrics,
 * security headers, and the optional static web client.
 */
import { resolve } from 'node:path';
import type { HttpBindings } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { ErrorCode, type ErrorResponse } from '@tacet/wire';
import { type Context, Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { errorFields } from '../logger.js';
import { accountRoutes } from './accounts-routes.js';
import { attachmentRoutes } from './attachments-routes.js';
import { certificateRoutes } from './certificate-routes.js';
import { deviceListRoutes } from './device-list-routes.js';
import { keyRoutes } from './keys-routes.js';
import { messageRoutes } from './messages-routes.js';
import { opsRoutes } from './ops-routes.js';
import { provisioningRoutes } from './provisioning-routes.js';

function errorResponse(
  c: Context,
  status: number,
  code: ErrorCode,
  message: string,
  retryAfter?: number,
): Response {
  const body: ErrorResponse = { error: { code, message } };
  const headers: Record<string, string> = retryAfter ? { 'retry-after': String(retryAfter) } : {};
  return c.json(body, status as 400, headers);
}

/** Security headers on every response (docs/design.md, "Metadata"). */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** Builds the Hono app for a server. */
export function createApp(ctx: ServerContext): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  // Over TLS, tell browsers never to try plain HTTP here again (a downgrade would expose the bundle).
  const headers: Record<string, string> =
    ctx.config.tlsCertFile && ctx.config.hstsMaxAgeSeconds > 0
      ? { ...SECURITY_HEADERS, 'strict-transport-security': `max-age=${ctx.config.hstsMaxAgeSeconds}` }
      : SECURITY_HEADERS;
  app.use(async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) if (!c.res.headers.has(k)) c.header(k, v);
    const route = c.req.routePath === '/*' ? 'other' : c.req.routePath;
    ctx.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
  });
  app.use('/v1/*', async (_c, next) => {
    if (ctx.draining) throw new HttpError(503, ErrorCode.Unavailable, 'server is shutting down', 1);
    await next();
  });
  app.route('/', opsRoutes(ctx));
  app.route('/', accountRoutes(ctx));
  app.route('/', keyRoutes(ctx));
  app.route('/', deviceListRoutes(ctx));
  app.route('/', provisioningRoutes(ctx));
  app.route('/', certificateRoutes(ctx));
  app.route('/', attachmentRoutes(ctx));
  app.route('/', messageRoutes(ctx));
  if (ctx.config.staticDir) {
    // An absolute root: a path relative to the working directory breaks when the server runs as a user
    // who cannot enter that directory (started by root from a private checkout, say).
    app.use('/*', serveStatic({ root: resolve(ctx.config.staticDir) }));
  }
  app.notFound((c) => errorResponse(c, 404, ErrorCode.NotFound, 'no such route'));
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      ctx.errors.count(err.code);
      return errorResponse(c, err.status, err.code, err.message, err.retryAfter);
    }
    ctx.errors.count(ErrorCode.Internal);
    ctx.logger.error('request failed', errorFields(err));
    return errorResponse(c, 500, ErrorCode.Internal, 'internal error');
  });
  return app;
}
