/**
 * Per-address token buckets. Addresses live only in this process's memory,
 * and only as keyed hashes (a per-process random key), so neither a log, a
 * database nor a heap dump holds a client's IP. IPv6 addresses are limited
 * per /64, since one host usually owns a whole /64.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { RATE_LIMITER_MAX_KEYS } from '../limits.js';

export interface RateLimit {
  /** Requests allowed at once. */
  burst: number;
  /** Tokens refilled per hour. */
  perHour: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The part of an address that identifies one client: IPv4 whole, IPv6 /64. */
export function addressKey(address: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const full = [
    ...headParts,
    ...Array(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0'),
    ...tailParts,
  ];
  return full.slice(0, 4).join(':');
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly key = randomBytes(32);

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `address`; returns 0 if allowed, else seconds to wait. */
  take(address: string): number {
    const id = createHmac('sha256', this.key).update(addressKey(address)).digest('base64');
    const now = this.now();
    const refillPerMs = Math.max(this.limit.perHour, 1e-9) / 3_600_000;
    const prev = this.buckets.get(id);
    const tokens = prev
      ? Math.min(this.limit.burst, prev.tokens + (now - prev.at) * refillPerMs)
      : this.limit.burst;
    this.buckets.delete(id);
    if (tokens < 1) {
      this.buckets.set(id, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000));
    }
    if (this.buckets.size >= RATE_LIMITER_MAX_KEYS) {
      // Map order is least-recently-used first; forgetting one favours the client.
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    this.buckets.set(id, { tokens: tokens - 1, at: now });
    return 0;
  }
}
