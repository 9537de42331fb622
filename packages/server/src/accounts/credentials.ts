/**
 * Device credentials: 32 random bytes given to the device once, of which the
 * server keeps only SHA-256 (the secret is high-entropy, so a fast hash is
 * enough: there is nothing to brute-force). Checks compare in constant time,
 * and an unknown device is compared against a dummy hash so timing does not
 * reveal whether an account exists.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { fromBase64Url, parseAccountId, toBase64Url } from '@tacet/wire';

/** Bytes of secret in a credential. */
export const CREDENTIAL_BYTES = 32;

/** A fresh credential (base64url) and the hash to store. */
export function newCredential(): { credential: string; hash: Uint8Array } {
  const secret = randomBytes(CREDENTIAL_BYTES);
  const credential = toBase64Url(secret);
  const hash = hashSecret(secret);
  secret.fill(0);
  return { credential, hash };
}

function hashSecret(secret: Uint8Array): Uint8Array {
  return createHash('sha256').update(secret).digest();
}

const DUMMY_HASH = hashSecret(randomBytes(CREDENTIAL_BYTES));

/** Whether `credential` matches `storedHash` (undefined = unknown device), in constant time. */
export function credentialMatches(credential: string, storedHash: Uint8Array | undefined): boolean {
  let secret: Uint8Array;
  try {
    secret = fromBase64Url(credential);
  } catch {
    secret = new Uint8Array(0);
  }
  const presented = hashSecret(secret.length === CREDENTIAL_BYTES ? secret : randomBytes(CREDENTIAL_BYTES));
  const expected = storedHash && storedHash.length === presented.length ? storedHash : DUMMY_HASH;
  const same = timingSafeEqual(presented, expected);
  return same && storedHash !== undefined && secret.length === CREDENTIAL_BYTES;
}

/** Who a request claims to be, before the credential is checked. */
export interface ClaimedDevice {
  accountId: Uint8Array;
  deviceId: number;
  credential: string;
}

/** Parses `<accountId>.<deviceId>:<credential>`; undefined when malformed. */
export function parseLogin(login: string): ClaimedDevice | undefined {
  if (login.length > 200) return undefined;
  const match = /^([0-9a-z]{27})\.([1-9][0-9]{0,2}):([A-Za-z0-9_-]{43})$/.exec(login);
  if (!match) return undefined;
  try {
    return {
      accountId: parseAccountId(match[1] as string),
      deviceId: Number(match[2]),
      credential: match[3] as string,
    };
  } catch {
    return undefined;
  }
}

/**
 * Reads the login from `Authorization: Basic base64(<accountId>.<deviceId>:<credential>)`,
 * or, for browsers (which cannot set headers on a WebSocket), from the
 * subprotocol `tacet.auth.<base64url(login)>` in Sec-WebSocket-Protocol.
 */
export function loginFromHeaders(
  authorization: string | undefined,
  protocols: string | undefined,
): ClaimedDevice | undefined {
  if (authorization && authorization.length < 400) {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization);
    return m ? parseLogin(Buffer.from(m[1] as string, 'base64').toString('latin1')) : undefined;
  }
  if (protocols && protocols.length < 800) {
    const auth = protocols
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith('tacet.auth.'));
    if (!auth) return undefined;
    try {
      return parseLogin(
        new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(auth.slice('tacet.auth.'.length))),
      );
    } catch {
      return undefined;
    }
  }
  return undefined;
}
