/**
 * CPU time spent by the server side of a scenario: the tacet node processes
 * (asked over IPC) plus, on PostgreSQL, the database's backend processes
 * serving that database (read from /proc). CPU per message does not swing
 * with the machine's load the way messages per second do.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK; 100 on Linux x86). */
const CLK_TCK = 100;

/** CPU microseconds used so far by each node process. */
export async function nodeCpuMicros(nodes: ChildProcess[]): Promise<number> {
  const replies = await Promise.all(
    nodes.map(
      (n) =>
        new Promise<number>((resolve) => {
          const onMessage = (m: { type: string; cpuMicros?: number }) => {
            if (m.type !== 'rss') return;
            n.off('message', onMessage);
            resolve(m.cpuMicros ?? 0);
          };
          n.on('message', onMessage);
          n.send({ type: 'rss' });
        }),
    ),
  );
  return replies.reduce((a, b) => a + b, 0);
}

function procCpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 14 (utime) and 15 (stime) of proc(5) are at 11 and 12 here.
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU microseconds so far of each backend connected to database `name`, by pid. */
export async function backendCpuMicros(adminUrl: string, name: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    return new Map(rows.map((r) => [r.pid, procCpuMicros(r.pid)]));
  } finally {
    await client.end();
  }
}

/** CPU the backends used between two snapshots (a backend new since `before` counts whole). */
export function backendDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? 0);
  return sum;
}
