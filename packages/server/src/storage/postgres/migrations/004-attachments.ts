/**
 * Attachments for nodes sharing one database: one row per blob with its
 * upload progress and deadlines, the bytes in chunk rows keyed by their
 * offset, and the hashed acknowledgements. No sender is recorded. Chunks
 * are stored uncompressed: ciphertext does not compress.
 */
export const up = `
CREATE TABLE attachments (
  id bytea PRIMARY KEY,
  size bigint NOT NULL,
  received bigint NOT NULL DEFAULT 0,
  credential_hash bytea NOT NULL,
  upload_expires_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  recipients integer NOT NULL
);
CREATE INDEX attachments_by_expiry ON attachments (expires_at);
CREATE INDEX attachments_by_upload_expiry ON attachments (upload_expires_at);
CREATE TABLE attachment_chunks (
  attachment_id bytea NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
  start_offset bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (attachment_id, start_offset)
);
ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE attachment_acks (
  attachment_id bytea NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
  ack_key bytea NOT NULL,
  PRIMARY KEY (attachment_id, ack_key)
);
`;
