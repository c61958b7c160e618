import { describe, expect, it } from 'vitest';
import { cpuMsOfTreesIn, parseStat, type ProcessTimes } from '../bench/peers/process-cpu.ts';

describe("a server's CPU time from /proc (bench peers)", () => {
  it('reads the parent and utime + stime of a stat line whose command holds spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime …
    const stat = '4242 (postgres: bench (idle)) S 4200 4200 4200 0 -1 4194560 120 0 0 0 250 75 9 9 20 0 1 0';
    expect(parseStat(stat)).toEqual({ ppid: 4200, cpuMs: 3250 });
  });

  it('sums the roots and every descendant, and nothing else', () => {
    const processes = new Map<number, ProcessTimes>([
      [10, { ppid: 1, cpuMs: 100 }], // a root (a postmaster)
      [11, { ppid: 10, cpuMs: 20 }], // its child
      [12, { ppid: 11, cpuMs: 3 }], // its grandchild
      [20, { ppid: 1, cpuMs: 4000 }], // unrelated
      [30, { ppid: 1, cpuMs: 500 }], // another root
    ]);
    expect(cpuMsOfTreesIn(processes, [10, 30])).toBe(623);
    expect(cpuMsOfTreesIn(processes, [11])).toBe(23);
    expect(cpuMsOfTreesIn(processes, [99])).toBe(0);
  });
});
