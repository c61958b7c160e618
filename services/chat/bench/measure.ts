import { readdir, readFile } from 'node:fs/promises';

/**
 * CPU seconds used so far: this process, the bench's own Postgres (its postmaster, found by data dir,
 * and the postmaster's children) and nats-server, and from /proc/stat all cores' busy time (everything
 * but idle and iowait; other people's processes on a shared machine show up only there), softirq
 * (loopback networking) and steal.
 */
export interface CpuSample {
  node: number;
  postgres: number;
  natsServer: number;
  busy: number;
  softirq: number;
  steal: number;
  iowait: number;
}

const ticksPerSecond = 100;

/** Reads /proc; processes that exit between two samples make their share slightly low. */
export async function cpuTimes(dataDir: string): Promise<CpuSample> {
  const usage = process.cpuUsage();
  const sample: CpuSample = {
    node: (usage.user + usage.system) / 1e6,
    postgres: 0,
    natsServer: 0,
    busy: 0,
    softirq: 0,
    steal: 0,
    iowait: 0,
  };
  const processes: { pid: string; ppid: string; name: string; seconds: number; cmdline: string }[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) \S+ (.*)$/.exec(stat.trim());
    if (!match || (match[1] !== 'postgres' && match[1] !== 'nats-server')) continue;
    const fields = match[2]!.split(' ');
    // After the state: ppid is field 4 of /proc/<pid>/stat, utime and stime fields 14 and 15.
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    processes.push({
      pid,
      ppid: fields[0]!,
      name: match[1],
      seconds: (Number(fields[10]) + Number(fields[11])) / ticksPerSecond,
      cmdline,
    });
  }
  const postmaster = processes.find((p) => p.name === 'postgres' && p.cmdline.includes(dataDir));
  for (const p of processes) {
    if (p.name === 'nats-server' && p.cmdline.includes(dataDir)) sample.natsServer += p.seconds;
    else if (postmaster && (p === postmaster || p.ppid === postmaster.pid)) sample.postgres += p.seconds;
  }
  // user nice system idle iowait irq softirq steal
  const cpu = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, , iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  sample.busy = (user + nice + system + irq + softirq + steal) / ticksPerSecond;
  sample.softirq = softirq / ticksPerSecond;
  sample.steal = steal / ticksPerSecond;
  sample.iowait = iowait / ticksPerSecond;
  return sample;
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
