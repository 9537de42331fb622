/**
 * What someone who copies a profile gets, as one shape for every adapter:
 * each table / object store with its rows (as the storage engine returns
 * them), plus the raw bytes of every file the adapter keeps (SQLite file
 * and WAL; OPFS key files). Helpers search it for leaks.
 */

export type DumpValue = string | number | null | Uint8Array;

export interface AtRestDump {
  /** table (or object store) name → rows, each row's fields flattened to values */
  readonly tables: Record<string, DumpValue[][]>;
  /** raw file contents, by file name */
  readonly files: Record<string, Uint8Array>;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0];
  outer: for (
    let i = hay.indexOf(first as number);
    i !== -1 && i <= hay.length - needle.length;
    i = hay.indexOf(first as number, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function allBytes(d: AtRestDump): Uint8Array[] {
  const rows = Object.values(d.tables).flatMap((t) => t.flat());
  return [...Object.values(d.files), ...rows.filter((v): v is Uint8Array => v instanceof Uint8Array)];
}

/** Whether `needle` occurs anywhere: in a file, in a stored blob, or inside a stored string. */
export function dumpHolds(d: AtRestDump, needle: Uint8Array | string): boolean {
  const bytes = typeof needle === 'string' ? new TextEncoder().encode(needle) : needle;
  if (allBytes(d).some((b) => indexOf(b, bytes) !== -1)) return true;
  if (typeof needle !== 'string') return false;
  return Object.values(d.tables).some((t) =>
    t.some((row) => row.some((v) => typeof v === 'string' && v.includes(needle))),
  );
}

/**
 * Every clear number in [from, to] (e.g. the time window a test ran in):
 * stored numbers, and big-endian 6- and 8-byte integers inside raw bytes
 * (how SQLite writes integers of that size).
 */
export function datesIn(d: AtRestDump, from: number, to: number): number[] {
  const out: number[] = [];
  for (const t of Object.values(d.tables))
    for (const row of t) for (const v of row) if (typeof v === 'number' && v >= from && v <= to) out.push(v);
  for (const b of allBytes(d)) {
    for (let i = 0; i + 6 <= b.length; i++) {
      let n = 0;
      for (let j = 0; j < 6; j++) n = n * 256 + (b[i + j] as number);
      if (n >= from && n <= to) out.push(n);
    }
  }
  return out;
}

/**
 * What a copy shows without opening anything: row counts and value sizes.
 * File sizes are left out: SQLite's page count follows B-tree splits and
 * may differ by a page between two profiles with the same rows.
 */
export function shapeOf(d: AtRestDump): Record<string, string[]> {
  const shape: Record<string, string[]> = {};
  for (const [name, rows] of Object.entries(d.tables)) {
    shape[name] = rows
      .map((row) =>
        row
          .map((v) =>
            v instanceof Uint8Array ? `b${v.length}` : typeof v === 'string' ? `s${v.length}` : typeof v,
          )
          .join(','),
      )
      .sort();
  }
  return shape;
}
