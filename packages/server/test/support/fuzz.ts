/** Seeded random input generation for the fuzz tests (mulberry32, so a failure can be replayed by seed). */

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytesFrom(next: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 256) | 0;
  return out;
}

/** One random mutation of `seed`: bit flips, byte edits, splices, truncation, duplication or pure noise. */
export function mutate(next: () => number, seed: Uint8Array): Uint8Array {
  const pick = (n: number) => Math.floor(next() * n);
  const bytes = [...seed];
  switch (pick(7)) {
    case 0:
      for (let i = 0, n = 1 + pick(4); i < n && bytes.length; i++) {
        const at = pick(bytes.length);
        bytes[at] = (bytes[at] as number) ^ (1 << pick(8));
      }
      break;
    case 1:
      for (let i = 0, n = 1 + pick(4); i < n && bytes.length; i++) bytes[pick(bytes.length)] = pick(256);
      break;
    case 2:
      bytes.splice(pick(bytes.length + 1), 0, ...randomBytesFrom(next, 1 + pick(16)));
      break;
    case 3:
      bytes.splice(pick(bytes.length), 1 + pick(8));
      break;
    case 4:
      return new Uint8Array(bytes.slice(0, pick(bytes.length + 1)));
    case 5:
      return new Uint8Array([...bytes, ...bytes.slice(0, pick(bytes.length + 1))]);
    default:
      return randomBytesFrom(next, pick(300));
  }
  return new Uint8Array(bytes);
}

/** Mutates JSON text at the character level, or structurally by swapping in odd values. */
export function mutateJson(next: () => number, value: unknown): string {
  const text = JSON.stringify(value);
  if (next() < 0.5) return new TextDecoder().decode(mutate(next, new TextEncoder().encode(text)));
  const odd = [null, -1, 1.5, 2 ** 60, '', 'A'.repeat(5000), [], {}, true, '\u0000', '../../etc', [1, 2, 3]];
  const replace = odd[Math.floor(next() * odd.length)];
  const keys = text.match(/"[a-zA-Z]+":/g) ?? [];
  const key = keys[Math.floor(next() * keys.length)];
  if (!key) return text;
  return text.replace(new RegExp(`${key}("[^"]*"|[^,}\\]]*)`), `${key}${JSON.stringify(replace)}`);
}
