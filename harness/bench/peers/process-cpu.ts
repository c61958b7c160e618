// CPU time a server spends on a workload, read from /proc: a figure that other load on the machine disturbs far
// less than a rate does (it is this process's own time, not the wall clock).
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const ticksPerSecond = 100;

interface ProcessTimes {
  ppid: number;
  cpuMs: number;
}

async function processTimes(pid: number): Promise<ProcessTimes | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces): state, ppid, …, utime (14th field), stime (15th).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond,
  };
}

/** User + system CPU milliseconds used so far by the processes `roots` and all their descendants (alive now). */
export async function cpuMsOfTrees(roots: readonly number[]): Promise<number> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const all = new Map<number, ProcessTimes>();
  for (const pid of pids) {
    const times = await processTimes(pid);
    if (times) all.set(pid, times);
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of all) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const pending = [...roots];
  const seen = new Set<number>();
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += all.get(pid)?.cpuMs ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}
