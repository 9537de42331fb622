/**
 * The few assertions the store contract needs, with no test-runner import:
 * the same cases run under vitest in Node and inside a Chromium page.
 */

/** JSON with sorted keys and bytes spelled out, so equal values print equally. */
function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Uint8Array) return `bytes:${Array.from(x).join(',')}`;
    if (x && typeof x === 'object' && !Array.isArray(x))
      return Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return x;
  });
}

/** Throws unless `actual` and `expected` are structurally equal (bytes compared by content). */
export function equal(actual: unknown, expected: unknown, what: string): void {
  const a = show(actual);
  const e = show(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export function ok(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}

/** Runs `fn` and returns the `code` of the error it throws (or fails if it does not). */
export async function errorCode(fn: () => Promise<unknown>, what: string): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return String((e as { code?: unknown }).code ?? e);
  }
  throw new Error(`${what}: expected an error`);
}
