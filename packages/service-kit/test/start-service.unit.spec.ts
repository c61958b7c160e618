import { describe, expect, it } from 'vitest';
import { createLogger, startService } from '../src/index.ts';

const log = createLogger('test', 'silent');

describe('startService', () => {
  it('closes what started, in reverse, when a later step fails, and rethrows', async () => {
    const closed: string[] = [];
    const failure = new Error('ops port taken');
    const started = startService(log, (lifecycle) => {
      lifecycle.add('postgres', 'pool', () => void closed.push('postgres'));
      lifecycle.add('nats', 'connection', () => void closed.push('nats'));
      return Promise.reject(failure);
    });
    await expect(started).rejects.toBe(failure);
    expect(closed).toEqual(['nats', 'postgres']);
  });

  it('returns what the start gave with a close() that closes every part once, in reverse', async () => {
    const closed: string[] = [];
    const service = await startService(log, (lifecycle) => {
      lifecycle.add('postgres', 'pool', () => void closed.push('postgres'));
      lifecycle.add('ops server', 'server', () => void closed.push('ops server'));
      return Promise.resolve({ opsPort: 9103 });
    });
    expect(service.opsPort).toBe(9103);
    expect(closed).toEqual([]);
    await Promise.all([service.close(), service.close()]);
    expect(closed).toEqual(['ops server', 'postgres']);
  });
});
