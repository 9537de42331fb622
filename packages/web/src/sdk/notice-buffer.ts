/**
 * Notices the SDK emits once (refused group traffic, a contact's changed
 * devices), kept per conversation from the moment the client starts: they
 * may come with the backlog, before any screen that shows them is open.
 * They live as long as the page.
 */
export class NoticeBuffer<T> {
  readonly #byKey = new Map<string, T[]>();

  add(key: string, notice: T): void {
    this.#byKey.set(key, [...(this.#byKey.get(key) ?? []), notice]);
  }

  /** Oldest first. */
  list(key: string): T[] {
    return this.#byKey.get(key) ?? [];
  }
}
