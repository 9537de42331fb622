/**
 * Attachments: one row per blob with its upload progress and deadlines (the
 * bytes live in files under `attachments/` in the data directory), and the
 * hashed acknowledgements that go with it. No sender is recorded.
 */
export const up = `
CREATE TABLE attachments (
  id BLOB PRIMARY KEY,
  size INTEGER NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  credential_hash BLOB NOT NULL,
  upload_expires_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  recipients INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX attachments_by_expiry ON attachments (expires_at);
CREATE INDEX attachments_by_upload_expiry ON attachments (upload_expires_at);
CREATE TABLE attachment_acks (
  attachment_id BLOB NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
  ack_key BLOB NOT NULL,
  PRIMARY KEY (attachment_id, ack_key)
) WITHOUT ROWID;
`;
