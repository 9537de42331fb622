/**
 * The kinds of value a setting can hold, each parsing both a TOML value and
 * a string (from the environment or a flag) into one checked value, and
 * naming what is allowed when it cannot.
 */
import { TrustedProxies } from '@tacet/server';

/** A parse failure; the loader adds which key and which source. */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}

export interface ValueKind<T> {
  /** Allowed values, in words, for error messages and the docs. */
  readonly allowed: string;
  /** From TOML (already typed) or a string (environment, flag). */
  parse(raw: unknown): T;
}

const fail = (allowed: string): never => {
  throw new ValueError(allowed);
};

export function integer(min: number, max: number): ValueKind<number> {
  const allowed = `an integer from ${min} to ${max}`;
  return {
    allowed,
    parse(raw) {
      const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) fail(allowed);
      return n as number;
    },
  };
}

export function oneOf<T extends string>(values: readonly T[]): ValueKind<T> {
  const allowed = `one of ${values.map((v) => `"${v}"`).join(', ')}`;
  return {
    allowed,
    parse: (raw) => (values.includes(raw as T) ? (raw as T) : fail(allowed)),
  };
}

export const boolean: ValueKind<boolean> = {
  allowed: 'true or false',
  parse(raw) {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    return fail('true or false');
  },
};

export function text(minLength = 1, what = 'a non-empty string'): ValueKind<string> {
  return {
    allowed: what,
    parse: (raw) => (typeof raw === 'string' && raw.length >= minLength ? raw : fail(what)),
  };
}

/** A list of address ranges; from a string, comma-separated. Checked by the server's own parser. */
export const cidrList: ValueKind<string[]> = {
  allowed: 'a list of address ranges like ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"]',
  parse(raw) {
    const items =
      typeof raw === 'string'
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : raw;
    if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) return fail(cidrList.allowed);
    try {
      new TrustedProxies(items);
    } catch (e) {
      fail(`${cidrList.allowed}; ${(e as Error).message}`);
    }
    return items;
  },
};

/** A URL with one of the given schemes. */
export function url(schemes: readonly string[]): ValueKind<string> {
  const allowed = `a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  return {
    allowed,
    parse(raw) {
      if (typeof raw !== 'string') return fail(allowed);
      try {
        if (schemes.includes(new URL(raw).protocol.replace(/:$/, ''))) return raw;
      } catch {}
      return fail(allowed);
    },
  };
}

/** At least 16 bytes in hex. */
export const hexSecret: ValueKind<string> = {
  allowed: 'at least 16 bytes in hex (32 or more hex digits)',
  parse: (raw) =>
    typeof raw === 'string' && /^([0-9a-fA-F]{2}){16,}$/.test(raw) ? raw : fail(hexSecret.allowed),
};
