/**
 * The outbox as committed, opened once: the client lists it at every flush
 * (several times per live message) and each listing opened and decoded
 * every row, and each put read its row back to keep the item's place.
 * Loaded whole on first use, then kept in step by every commit; an item's
 * content is the store's own copy, zeroed when the item is deleted or the
 * store closes. Callers get copies.
 */
import type { StoredOutbox } from './codec.js';
import type { OutboxItem } from './types.js';

export class OutboxMemory {
  readonly #items = new Map<string, StoredOutbox>();

  constructor(loaded: readonly StoredOutbox[]) {
    for (const o of loaded) this.#items.set(o.id, o);
  }

  /** In queue order: creation time, then order of insertion. */
  list(): OutboxItem[] {
    return [...this.#items.values()]
      .sort((a, b) => a.createdAt - b.createdAt || a.ord - b.ord)
      .map(({ ord: _, ...item }) => ({ ...item, content: item.content.slice() }));
  }

  /** The queue position of a stored item, or undefined when it is not stored. */
  ord(id: string): number | undefined {
    return this.#items.get(id)?.ord;
  }

  /** After a commit: its puts as now stored (copied), its deletes gone. */
  committed(puts: readonly StoredOutbox[], deleted: readonly string[]): void {
    for (const o of puts) {
      this.#drop(o.id);
      this.#items.set(o.id, { ...o, content: o.content.slice() });
    }
    for (const id of deleted) this.#drop(id);
  }

  /** Zeroes and drops every item (the store is closing, or a failed commit makes the copy unsure). */
  wipe(): void {
    for (const id of [...this.#items.keys()]) this.#drop(id);
  }

  #drop(id: string): void {
    this.#items.get(id)?.content.fill(0);
    this.#items.delete(id);
  }
}
