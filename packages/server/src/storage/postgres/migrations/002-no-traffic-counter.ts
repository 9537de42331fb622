/**
 * Keeps no lifetime traffic figure and no fine registration time (issue 9,
 * item 8). `devices.next_seq` counted every envelope a device ever got; it
 * now is only a floor while the device's queue holds rows, taken from the
 * database clock and reset to 0 when the queue empties (queue-batch.ts), so
 * a drained device keeps no trace of its traffic. Queued rows are renumbered
 * 1..n per device (negated first so the primary key never collides midway),
 * and registration times are cut to the UTC day.
 *
 * @NOTE Every node must run the new code: an older node would keep counting
 * from the reset floor. Upgrade a cluster by stopping all nodes first.
 */
export const up = `
UPDATE envelopes SET seq = -seq;
UPDATE envelopes e SET seq = r.n
FROM (SELECT account_id, device_id, seq,
             row_number() OVER (PARTITION BY account_id, device_id ORDER BY seq DESC) AS n
      FROM envelopes) r
WHERE e.account_id = r.account_id AND e.device_id = r.device_id AND e.seq = r.seq;
UPDATE devices d SET next_seq = coalesce(
  (SELECT max(seq) + 1 FROM envelopes e WHERE e.account_id = d.account_id AND e.device_id = d.device_id), 0);
ALTER TABLE devices ALTER COLUMN next_seq SET DEFAULT 0;

UPDATE accounts SET created_at = created_at - created_at % 86400000;
`;
