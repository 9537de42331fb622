/** Redis fan-out for several nodes; see redis-fanout.ts. */
export { openRedisFanout, RedisFanout, type RedisFanoutOptions } from './redis-fanout.js';
