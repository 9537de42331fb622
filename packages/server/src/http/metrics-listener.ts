/**
 * The metrics listener: a plain HTTP server of its own (loopback by default)
 * answering only `GET /metrics`, so the API port, which faces the internet,
 * tells no one how busy the server is.
 */
import { createServer, type Server } from 'node:http';
import type { ServerMetrics } from '../metrics.js';
import { METRICS_CONTENT_TYPE } from './ops-routes.js';

/** Builds (without listening) the metrics server for `metrics`. */
export function createMetricsServer(metrics: ServerMetrics): Server {
  return createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(metrics.render());
  });
}
