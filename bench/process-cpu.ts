import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/** Kernel clock ticks per second (`getconf CLK_TCK`): 100 on every Linux Node supports. */
const TICKS_PER_S = 100;

/** CPU time (user + system, ms) of each process, from /proc/<pid>/stat; absent for a process that is gone. */
export function cpuMsOf(pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      // The command name may hold spaces: fields are counted after its closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S);
    } catch {
      // Exited between listing and reading.
    }
  }
  return out;
}

/** Every process named `postgres` on the machine (the cluster's backends and background workers). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(name));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

/**
 * PostgreSQL's CPU over a stretch of a benchmark: the backends serving one database (found in
 * pg_stat_activity at the start, so connections opened later are missed: the servers' pools are
 * warm by then), and every postgres process (which includes other users of the cluster).
 */
export async function postgresCpu(adminUrl: string, database: string): Promise<() => { databaseMs: number; clusterMs: number }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let backends: number[];
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    backends = rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
  const all = postgresPids();
  const db0 = cpuMsOf(backends);
  const all0 = cpuMsOf(all);
  const delta = (before: Map<number, number>, after: Map<number, number>) => {
    let ms = 0;
    for (const [pid, t] of after) ms += t - (before.get(pid) ?? t);
    return ms;
  };
  return () => ({ databaseMs: delta(db0, cpuMsOf(backends)), clusterMs: delta(all0, cpuMsOf(all)) });
}
