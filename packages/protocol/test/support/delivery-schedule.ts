/**
 * Deterministic hostile delivery for tests: a seeded shuffle within a window,
 * some messages lost, some delivered twice. Seeded so a failure reproduces.
 */

/** mulberry32: a tiny seeded PRNG (test scheduling only, never for keys). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reproducible test bytes from `label` (seeds and messages of known-answer tests, never real keys). */
export function seededBytes(label: number, length: number): Uint8Array {
  const rnd = seededRandom(label);
  return Uint8Array.from({ length }, () => Math.floor(rnd() * 256));
}

/** One delivery: the index of the message and whether an earlier copy already arrived. */
export interface Delivery {
  index: number;
  duplicate: boolean;
}

/**
 * Indices 0..count-1 shuffled, each dropped with probability `loss` and
 * delivered a second time with probability `dup` (the copy lands later).
 */
export function hostileSchedule(count: number, seed: number, loss = 0.1, dup = 0.1): Delivery[] {
  const rnd = seededRandom(seed);
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    if (rnd() < loss) continue;
    order.push(i);
    if (rnd() < dup) order.push(i);
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const seen = new Set<number>();
  return order.map((index) => {
    const duplicate = seen.has(index);
    seen.add(index);
    return { index, duplicate };
  });
}
