import { describe, it, expect, vi, afterEach } from 'vitest';
import { Supervisor, type RestartPolicy } from '../src/stack/supervisor.ts';

describe('Supervisor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A supervisor whose restarts succeed; returns the delays it announced and whether it gave up. */
  const supervised = (policy: Partial<RestartPolicy>) => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    const restarts: number[] = [];
    const supervisor = new Supervisor(
      'chat',
      { policy, log: (line) => lines.push(line), onGiveUp: (reason) => gaveUp.push(reason) },
      () => {
        restarts.push(Date.now());
        return Promise.resolve();
      },
    );
    const delays = () => lines.flatMap((line) => /restarting in ([\d.]+) s/.exec(line)?.[1] ?? []).map(Number);
    return { supervisor, lines, gaveUp, restarts, delays };
  };

  it('doubles the delay while the process keeps crashing, up to the maximum', async () => {
    vi.useFakeTimers();
    const { supervisor, delays, restarts } = supervised({ maxCrashes: 100, crashWindowMs: 1000 });
    for (let crash = 0; crash < 9; crash += 1) {
      supervisor.crashed('exited (code 1, signal null)');
      await vi.runOnlyPendingTimersAsync();
    }
    expect(delays()).toEqual([0.5, 1, 2, 4, 8, 16, 30, 30, 30]);
    expect(restarts).toHaveLength(9);
  });

  it('starts over at the first delay once the process stayed up long enough', async () => {
    vi.useFakeTimers();
    const { supervisor, delays } = supervised({});
    for (let crash = 0; crash < 3; crash += 1) {
      supervisor.crashed('exited');
      await vi.runOnlyPendingTimersAsync();
    }
    await vi.advanceTimersByTimeAsync(10_000);
    supervisor.crashed('exited');
    expect(delays()).toEqual([0.5, 1, 2, 0.5]);
  });

  it('gives up after maxCrashes within the window, once, and restarts nothing more', async () => {
    vi.useFakeTimers();
    const { supervisor, gaveUp, restarts } = supervised({ maxCrashes: 3, crashWindowMs: 60_000 });
    for (let crash = 0; crash < 4; crash += 1) {
      supervisor.crashed('exited (code 1, signal null)');
      await vi.runOnlyPendingTimersAsync();
    }
    expect(restarts).toHaveLength(2);
    expect(gaveUp).toEqual(['chat crashed 3 times within 60 s (last: exited (code 1, signal null)); giving up']);
  });

  it('counts a restart that fails as another crash', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const supervisor = new Supervisor('nats-server', { log: (line) => lines.push(line), onGiveUp: () => {} }, () =>
      Promise.reject(new Error('port in use\nmore detail')),
    );
    supervisor.crashed('exited');
    await vi.runOnlyPendingTimersAsync();
    expect(lines.at(-1)).toBe(
      '[supervisor] !!! nats-server did not come back: port in use; restarting in 1 s ' +
        '(crash 2 of 5 allowed within 60 s)',
    );
    await supervisor.stop();
    await vi.runOnlyPendingTimersAsync();
    expect(lines).toHaveLength(2);
  });

  it('keeps doubling when restarts fail after the process had been up a long time', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const supervisor = new Supervisor('auth', { log: (line) => lines.push(line), onGiveUp: () => {} }, () =>
      Promise.reject(new Error('no signing key')),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    supervisor.crashed('exited');
    await vi.runOnlyPendingTimersAsync();
    await vi.runOnlyPendingTimersAsync();
    const delays = lines.flatMap((line) => /restarting in ([\d.]+) s/.exec(line)?.[1] ?? []).map(Number);
    expect(delays).toEqual([0.5, 1, 2]);
    await supervisor.stop();
  });
});
