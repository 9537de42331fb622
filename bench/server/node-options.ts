/**
 * What every benchmark tacet node shares: an ephemeral port, no proof-of-work
 * cost and limits high enough that the load generator, not a rate limit, is
 * what gets measured.
 */
export const BENCH_NODE_OPTIONS = {
  port: 0,
  powBits: 0,
  registrationLimit: { burst: 1e9, perHour: 1e9 },
  challengeLimit: { burst: 1e9, perHour: 1e9 },
  maxQueueLength: 1_000_000,
  logLevel: 'warn',
} as const;
