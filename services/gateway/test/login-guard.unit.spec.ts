import { describe, expect, it } from 'vitest';
import { createLoginGuard } from '../src/adapters/login-guard.ts';

const guard = () => createLoginGuard({ maxFailures: 3, blockSeconds: 900, maxFailuresPerAddress: 5 });

describe('login guard', () => {
  it('pauses a username at an address after maxFailures failures in a row, there only', async () => {
    const g = guard();
    for (let i = 0; i < 2; i++) await g.failed('10.0.0.1', 'ann');
    expect(await g.check('10.0.0.1', 'ann')).toEqual({ allowed: true });
    await g.failed('10.0.0.1', 'ann');
    const paused = await g.check('10.0.0.1', 'ANN');
    expect(paused).toMatchObject({ allowed: false });
    expect(paused.allowed === false && paused.retryAfter).toBeGreaterThan(890);
    expect(await g.check('10.0.0.2', 'ann')).toEqual({ allowed: true });
    expect(await g.check('10.0.0.1', 'bob')).toEqual({ allowed: true });
  });

  it('starts counting again after a successful login', async () => {
    const g = guard();
    for (let i = 0; i < 2; i++) await g.failed('10.0.0.1', 'ann');
    await g.succeeded('10.0.0.1', 'ann');
    for (let i = 0; i < 2; i++) await g.failed('10.0.0.1', 'ann');
    expect(await g.check('10.0.0.1', 'ann')).toEqual({ allowed: true });
  });

  it('pauses an address that fails maxFailuresPerAddress times across usernames, for a day', async () => {
    const g = guard();
    for (const username of ['a1', 'a2', 'a3', 'a4', 'a5']) await g.failed('10.0.0.9', username);
    const paused = await g.check('10.0.0.9', 'someone_else');
    expect(paused).toMatchObject({ allowed: false });
    expect(paused.allowed === false && paused.retryAfter).toBeGreaterThan(86_000);
    expect(await g.check('10.0.0.8', 'someone_else')).toEqual({ allowed: true });
  });
});
