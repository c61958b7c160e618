// CPU time a server spends on a workload, read from /proc: a figure that other load on the machine disturbs far
// less than a rate does (it is this process's own time, not the wall clock).
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const ticksPerSecond = 100;

export interface ProcessTimes {
  ppid: number;
  cpuMs: number;
}

/** A /proc/<pid>/stat line's parent and user + system CPU time. */
export function parseStat(stat: string): ProcessTimes {
  // Fields after the command name (which may hold spaces and parentheses): state, ppid, …, utime (14th), stime (15th).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond,
  };
}

/** The CPU milliseconds of the processes `roots` and all their descendants among `processes`. */
export function cpuMsOfTreesIn(processes: ReadonlyMap<number, ProcessTimes>, roots: readonly number[]): number {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of processes) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const pending = [...roots];
  const seen = new Set<number>();
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += processes.get(pid)?.cpuMs ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** User + system CPU milliseconds used so far by the processes `roots` and all their descendants (alive now). */
export async function cpuMsOfTrees(roots: readonly number[]): Promise<number> {
  const processes = new Map<number, ProcessTimes>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // A process may exit between the listing and the read.
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
    if (stat !== undefined) processes.set(Number(name), parseStat(stat));
  }
  return cpuMsOfTreesIn(processes, roots);
}
