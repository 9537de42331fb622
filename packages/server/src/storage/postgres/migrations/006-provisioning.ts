/** Provisioning channels for linking a device (issue 13, docs/provisioning.md): opaque, short-lived blobs. */
export const up = `
CREATE TABLE provisioning_channels (
  id bytea PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE INDEX provisioning_channels_expiry ON provisioning_channels (expires_at);
CREATE TABLE provisioning_slots (
  channel_id bytea NOT NULL REFERENCES provisioning_channels(id) ON DELETE CASCADE,
  slot smallint NOT NULL,
  blob bytea NOT NULL,
  PRIMARY KEY (channel_id, slot)
);
`;
