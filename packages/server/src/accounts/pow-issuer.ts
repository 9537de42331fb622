/**
 * Issues and redeems proof-of-work challenges. A challenge is
 * base64url(version ‖ bits ‖ expiry ‖ 16 random bytes ‖ HMAC-SHA256 tag),
 * so the server keeps no state per issued challenge (an attacker cannot
 * fill memory by asking for many); only redeemed ones are remembered, until
 * they expire, so a solution registers one account. Nodes that share
 * `secret` accept each other's challenges.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type ChallengeResponse, checkPow, fromBase64Url, toBase64Url } from '@tacet/wire';
import { POW_CHALLENGE_TTL_MS } from '../limits.js';

const VERSION = 1;
const BODY_BYTES = 1 + 1 + 6 + 16;
const TAG_BYTES = 16;

export type RedeemResult = 'ok' | 'malformed' | 'expired' | 'reused' | 'unsolved';

export class PowIssuer {
  private readonly redeemed = new Map<string, number>();

  constructor(
    private readonly bits: number,
    private readonly secret: Uint8Array = randomBytes(32),
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh challenge for a client to solve. */
  issue(): ChallengeResponse {
    const expiresAt = this.now() + POW_CHALLENGE_TTL_MS;
    const body = Buffer.alloc(BODY_BYTES);
    body[0] = VERSION;
    body[1] = this.bits;
    body.writeUIntBE(expiresAt, 2, 6);
    randomBytes(16).copy(body, 8);
    return { challenge: toBase64Url(Buffer.concat([body, this.tag(body)])), bits: this.bits, expiresAt };
  }

  /** Checks a solution and marks the challenge used. */
  redeem(challenge: string, nonce: number): RedeemResult {
    let raw: Uint8Array;
    try {
      raw = fromBase64Url(challenge);
    } catch {
      return 'malformed';
    }
    if (raw.length !== BODY_BYTES + TAG_BYTES || raw[0] !== VERSION) return 'malformed';
    const body = Buffer.from(raw.subarray(0, BODY_BYTES));
    if (!timingSafeEqual(this.tag(body), raw.subarray(BODY_BYTES))) return 'malformed';
    const bits = body[1] as number;
    const expiresAt = body.readUIntBE(2, 6);
    const now = this.now();
    if (expiresAt <= now) return 'expired';
    this.forgetExpired(now);
    if (this.redeemed.has(challenge)) return 'reused';
    if (!checkPow(challenge, bits, nonce)) return 'unsolved';
    this.redeemed.set(challenge, expiresAt);
    return 'ok';
  }

  private tag(body: Uint8Array): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, TAG_BYTES);
  }

  private forgetExpired(now: number): void {
    // Insertion order is expiry order (constant TTL), so stop at the first live one.
    for (const [key, expiresAt] of this.redeemed) {
      if (expiresAt > now) break;
      this.redeemed.delete(key);
    }
  }
}
