/** In-process {@link Fanout}: the default for a single node. */
import type { DeviceKey, Fanout } from '../fanout.js';

export class LocalFanout implements Fanout {
  private readonly listeners = new Map<DeviceKey, Set<() => void>>();

  subscribe(key: DeviceKey, listener: () => void): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(key);
    };
  }

  async publish(keys: readonly DeviceKey[]): Promise<void> {
    for (const key of keys) {
      for (const listener of this.listeners.get(key) ?? []) listener();
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
