/** SQLite adapter of {@link ProvisioningStore}. */
import type { ProvisioningStore, PutSlotResult } from '../../provisioning/provisioning-store.js';
import type { SqliteDatabase } from './database.js';
import type { GroupCommitter } from './group-commit.js';

export class SqliteProvisioningStore implements ProvisioningStore {
  private readonly insertChannel;
  private readonly deleteExpired;
  private readonly selectExpiry;
  private readonly insertSlot;
  private readonly selectSlot;
  private readonly deleteChannel;

  constructor(
    db: SqliteDatabase,
    private readonly committer: GroupCommitter,
  ) {
    this.insertChannel = db.prepare(
      'INSERT OR IGNORE INTO provisioning_channels (id, expires_at) VALUES (?, ?)',
    );
    // Slots go with their channel through ON DELETE CASCADE.
    this.deleteExpired = db.prepare('DELETE FROM provisioning_channels WHERE expires_at <= ?');
    this.selectExpiry = db.prepare('SELECT expires_at FROM provisioning_channels WHERE id = ?').pluck();
    this.insertSlot = db.prepare(
      'INSERT OR IGNORE INTO provisioning_slots (channel_id, slot, blob) VALUES (?, ?, ?)',
    );
    this.selectSlot = db
      .prepare('SELECT blob FROM provisioning_slots WHERE channel_id = ? AND slot = ?')
      .pluck();
    this.deleteChannel = db.prepare('DELETE FROM provisioning_channels WHERE id = ?');
  }

  openChannel(channel: Uint8Array, expiresAt: number, now: number): Promise<boolean> {
    return this.committer.run(() => {
      this.deleteExpired.run(now);
      return this.insertChannel.run(channel, expiresAt).changes === 1;
    });
  }

  #live(channel: Uint8Array, now: number): boolean {
    const expiresAt = this.selectExpiry.get(channel) as number | undefined;
    return expiresAt !== undefined && expiresAt > now;
  }

  putSlot(channel: Uint8Array, slot: number, blob: Uint8Array, now: number): Promise<PutSlotResult> {
    return this.committer.run(() => {
      if (!this.#live(channel, now)) return 'no_channel';
      return this.insertSlot.run(channel, slot, blob).changes === 1 ? 'ok' : 'taken';
    });
  }

  async getSlot(channel: Uint8Array, slot: number, now: number) {
    if (!this.#live(channel, now)) return 'no_channel' as const;
    const blob = this.selectSlot.get(channel, slot) as Buffer | undefined;
    return blob && new Uint8Array(blob);
  }

  async closeChannel(channel: Uint8Array): Promise<void> {
    await this.committer.run(() => this.deleteChannel.run(channel));
  }
}
