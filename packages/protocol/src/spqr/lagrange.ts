/**
 * Evaluating a polynomial given only by its values, without its coefficients:
 * the barycentric form of Lagrange interpolation over GF(2^16). For nodes
 * x_0..x_{n-1} with values y_i, the polynomial of degree < n through them is,
 * at any x off the nodes,
 *
 *   P(x) = Σ y_i · ℓ_i(x),   ℓ_i(x) = L(x) · w_i / (x - x_i),
 *   L(x) = Π (x - x_j),      w_i = 1 / Π_{j≠i} (x_i - x_j).
 *
 * The weights w_i depend on the nodes only, and the ℓ_i(x) on the nodes and x,
 * never on the values: one set serves all 16 polynomials of a chunk. This is
 * the same polynomial that coefficient interpolation finds (it is unique), so
 * the values are bit-identical. Everything is kept as logs (LOG of gf65536),
 * where multiplying and dividing are additions mod the group order.
 *
 * @NOTE Not constant time (table lookups indexed by data): SPQR chunks are
 * public on the wire, as are the encapsulation keys and ciphertexts they carry.
 */
import { LOG, ORDER } from './gf65536.js';

/** LOG[w_i] for the nodes `xs` (distinct field elements), O(n²). */
export function weightLogs(xs: ArrayLike<number>): Uint16Array {
  const n = xs.length;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const xi = xs[i] as number;
    let log = 0;
    for (let j = 0; j < n; j++) if (j !== i) log += LOG[xi ^ (xs[j] as number)] as number;
    out[i] = (ORDER - (log % ORDER)) % ORDER;
  }
  return out;
}

/**
 * The weight logs of the systematic nodes 0..n-1, cached per n: the encoder
 * rebuilds from serialized state for every message and the braid only ever
 * uses a handful of point counts.
 */
const systematic = new Map<number, { nodes: Uint16Array; weights: Uint16Array }>();
const SYSTEMATIC_CACHE_LIMIT = 64;

export function systematicNodes(n: number): { nodes: Uint16Array; weights: Uint16Array } {
  let entry = systematic.get(n);
  if (entry === undefined) {
    const nodes = Uint16Array.from({ length: n }, (_, i) => i);
    entry = { nodes, weights: weightLogs(nodes) };
    // Bounded so that odd message lengths (tests, misuse) cannot grow it without end.
    if (systematic.size >= SYSTEMATIC_CACHE_LIMIT) systematic.clear();
    systematic.set(n, entry);
  }
  return entry;
}

/**
 * Writes LOG[ℓ_i(x)] into `out` for every node, given the nodes' weight logs.
 * `x` must not be a node (ℓ would divide by zero); O(n).
 */
export function coefficientLogsAt(
  xs: ArrayLike<number>,
  weights: Uint16Array,
  x: number,
  out: Uint16Array,
): Uint16Array {
  const n = xs.length;
  let master = 0;
  for (let j = 0; j < n; j++) master += LOG[x ^ (xs[j] as number)] as number;
  master %= ORDER;
  for (let i = 0; i < n; i++) {
    const log = master + (weights[i] as number) + ORDER - (LOG[x ^ (xs[i] as number)] as number);
    out[i] = log % ORDER;
  }
  return out;
}
