/**
 * Keeps no lifetime traffic figure and no fine registration time (issue 9,
 * item 8). `envelopes.seq` was AUTOINCREMENT, so `sqlite_sequence` (and the
 * newest seq) counted every envelope ever stored. The table is rebuilt with
 * a plain INTEGER PRIMARY KEY whose values the queue store takes from the
 * clock (see SqliteQueueStore.nextSeq); dropping the old table removes its
 * sqlite_sequence row, and secure_delete zeroes the freed pages. Queued rows
 * are renumbered 1..n in their order (no connection holds a cursor while
 * migrations run), and registration times are cut to the UTC day.
 */
export const up = `
CREATE TABLE envelopes_v2 (
  seq INTEGER PRIMARY KEY,
  account_id BLOB NOT NULL,
  device_id INTEGER NOT NULL,
  id BLOB NOT NULL,
  content BLOB NOT NULL,
  server_ts INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, device_id) ON DELETE CASCADE
);
INSERT INTO envelopes_v2 (seq, account_id, device_id, id, content, server_ts, expires_at)
  SELECT row_number() OVER (ORDER BY seq), account_id, device_id, id, content, server_ts, expires_at
  FROM envelopes;
DROP TABLE envelopes;
ALTER TABLE envelopes_v2 RENAME TO envelopes;
CREATE UNIQUE INDEX envelopes_by_device_id ON envelopes (account_id, device_id, id);
CREATE INDEX envelopes_by_device_seq ON envelopes (account_id, device_id, seq);
CREATE INDEX envelopes_by_expiry ON envelopes (expires_at);

UPDATE accounts SET created_at = created_at - created_at % 86400000;
`;
