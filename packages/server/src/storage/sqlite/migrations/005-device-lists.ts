/** The latest signed device list of each account (issue 13, docs/device-list.md). */
export const up = `
CREATE TABLE device_lists (
  account_id BLOB PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  list BLOB NOT NULL
);
`;
