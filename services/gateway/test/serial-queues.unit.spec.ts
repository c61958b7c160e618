import { describe, it, expect } from 'vitest';
import { SerialQueues } from '../src/adapters/socket/serial-queues.ts';

describe('SerialQueues', () => {
  it('runs tasks of one key one after another, other keys alongside, and forgets empty queues', async () => {
    const queues = new SerialQueues();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queues.run('a', task('a1', 20)),
      queues.run('a', task('a2', 1)),
      queues.run('b', task('b1', 5)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(queues.size).toBe(0);
  });

  it('goes on after a failed task, whose caller sees the failure', async () => {
    const queues = new SerialQueues();
    const failed = queues.run('a', () => Promise.reject(new Error('boom')));
    const next = queues.run('a', () => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
