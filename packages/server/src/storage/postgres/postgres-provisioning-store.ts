/**
 * PostgreSQL adapter of {@link ProvisioningStore}: the channel lives in the
 * shared database, so the new device and the existing one may talk to
 * different nodes.
 */
import type { ProvisioningStore, PutSlotResult } from '../../provisioning/provisioning-store.js';
import type { PgPool } from './driver.js';

export class PostgresProvisioningStore implements ProvisioningStore {
  constructor(private readonly pool: PgPool) {}

  async openChannel(channel: Uint8Array, expiresAt: number, now: number): Promise<boolean> {
    // Slots go with their channel through ON DELETE CASCADE.
    await this.pool.query('DELETE FROM provisioning_channels WHERE expires_at <= $1', [now]);
    const res = await this.pool.query(
      'INSERT INTO provisioning_channels (id, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [channel, expiresAt],
    );
    return res.rowCount === 1;
  }

  async putSlot(channel: Uint8Array, slot: number, blob: Uint8Array, now: number): Promise<PutSlotResult> {
    // One statement: the channel must be live, and the slot is taken at most once.
    const res = await this.pool.query<{ inserted: boolean; live: boolean }>(
      'WITH live AS (SELECT id FROM provisioning_channels WHERE id = $1 AND expires_at > $4), ' +
        'ins AS (INSERT INTO provisioning_slots (channel_id, slot, blob) SELECT id, $2, $3 FROM live ' +
        'ON CONFLICT DO NOTHING RETURNING 1) ' +
        'SELECT (SELECT count(*) FROM ins) > 0 AS inserted, (SELECT count(*) FROM live) > 0 AS live',
      [channel, slot, blob, now],
    );
    const row = res.rows[0];
    if (!row?.live) return 'no_channel';
    return row.inserted ? 'ok' : 'taken';
  }

  async getSlot(channel: Uint8Array, slot: number, now: number) {
    const { rows } = await this.pool.query<{ live: boolean; blob: Buffer | null }>(
      'SELECT c.expires_at > $3 AS live, s.blob FROM provisioning_channels c ' +
        'LEFT JOIN provisioning_slots s ON s.channel_id = c.id AND s.slot = $2 WHERE c.id = $1',
      [channel, slot, now],
    );
    const r = rows[0];
    if (!r?.live) return 'no_channel' as const;
    return r.blob ? new Uint8Array(r.blob) : undefined;
  }

  async closeChannel(channel: Uint8Array): Promise<void> {
    await this.pool.query('DELETE FROM provisioning_channels WHERE id = $1', [channel]);
  }
}
