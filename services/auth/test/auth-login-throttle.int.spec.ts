import { describe, expect, inject, it } from 'vitest';
import { subjects } from '@chatrt/contracts';
import { createPool } from '@chatrt/service-kit';
import { createLoginThrottle } from '../src/adapters/login-throttle.ts';
import { usernameKey } from '../src/domain/username.ts';
import { authSuite, call, freshAddress, freshUsername, log, password, signingKeyPem } from './support.ts';

describe(
  'login throttling (3 in a row per username and address; per address a day: ' +
    '4 against real users, 3 with unknown names)',
  () => {
    const limits = {
      LOGIN_MAX_FAILURES: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '4',
      LOGIN_MAX_UNKNOWN_USER_FAILURES_PER_ADDRESS: '3',
    };
    const suite = authSuite(() => ({ AUTH_SIGNING_KEY: signingKeyPem, ...limits }));

    const login = (username: string, pw: string, address: string) =>
      call(suite.nc, subjects.authLogin, { username, password: pw, clientAddress: address });

    async function registered(): Promise<string> {
      const username = freshUsername();
      expect((await call(suite.nc, subjects.authRegister, { username, password })).ok).toBe(true);
      return username;
    }

    it(
      'pauses a username at an address after 3 failures in a row, right password ' +
        'or not, in the one store every instance reads',
      async () => {
        const username = await registered();
        const [address, elsewhere] = [freshAddress(), freshAddress()];
        for (let i = 0; i < 3; i++)
          expect(await login(username, 'wrong-password', address)).toMatchObject({
            ok: false,
            error: { code: 'UNAUTHENTICATED' },
          });
        const paused = await login(username.toUpperCase(), password, address);
        expect(paused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
        expect(!paused.ok && paused.error.retryAfter).toBeGreaterThan(890);
        expect(await login(username, password, elsewhere)).toMatchObject({ ok: true });

        // Another auth instance (another pool on the same database) sees the same pause.
        const otherPool = createPool(inject('databaseUrl'), log, 1);
        try {
          const otherInstance = createLoginThrottle(otherPool, {
            maxFailures: 3,
            blockSeconds: 900,
            maxFailuresPerAddress: 4,
            maxUnknownUserFailuresPerAddress: 3,
          });
          expect(await otherInstance.pairWaitMs(usernameKey(username), address)).toBeGreaterThan(890_000);
          expect(await otherInstance.pairWaitMs(usernameKey(username), elsewhere)).toBe(0);
        } finally {
          await otherPool.end();
        }
      },
    );

    it('starts counting again after a successful login', async () => {
      const username = await registered();
      const address = freshAddress();
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 2; i++)
          expect(await login(username, 'wrong-password', address)).toMatchObject({
            ok: false,
            error: { code: 'UNAUTHENTICATED' },
          });
        expect(await login(username, password, address)).toMatchObject({ ok: true });
      }
    });

    it(
      'spraying unknown usernames from an address holds back only failed ' + 'attempts: real users still log in there',
      async () => {
        const [newcomer, mistyper] = [await registered(), await registered()];
        const address = freshAddress();
        for (let i = 0; i < 3; i++)
          expect(await login(freshUsername(), password, address)).toMatchObject({
            ok: false,
            error: { code: 'UNAUTHENTICATED' },
          });

        const held = await login(freshUsername(), password, address);
        expect(held).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
        expect(!held.ok && held.error.retryAfter).toBeGreaterThan(86_000);
        // A wrong password for a real user gets the same answer, so the lock does not tell which names exist.
        const wrong = await login(mistyper, 'wrong-password', address);
        expect(wrong).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
        expect(await login(newcomer, password, address)).toMatchObject({ ok: true });
        expect(await login(mistyper, password, address)).toMatchObject({ ok: true });
        expect(await login(freshUsername(), password, freshAddress())).toMatchObject({
          ok: false,
          error: { code: 'UNAUTHENTICATED' },
        });
      },
    );

    it(
      'failures against real users have their own daily limit per address; past ' +
        'it, users who logged in there before still can',
      async () => {
        const regular = await registered();
        const newcomer = await registered();
        const targets = await Promise.all(Array.from({ length: 4 }, () => registered()));
        const address = freshAddress();
        expect(await login(regular, password, address)).toMatchObject({ ok: true });
        // One wrong password per user: no pair reaches its limit, the address does.
        for (const target of targets)
          expect(await login(target, 'wrong-password', address)).toMatchObject({
            ok: false,
            error: { code: 'UNAUTHENTICATED' },
          });

        expect(await login(regular, password, address)).toMatchObject({ ok: true });
        expect(await login(newcomer, password, address)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
        expect(await login(targets[0]!, password, address)).toMatchObject({
          ok: false,
          error: { code: 'RATE_LIMITED' },
        });
        expect(await login(freshUsername(), password, address)).toMatchObject({
          ok: false,
          error: { code: 'RATE_LIMITED' },
        });
        expect(await login(newcomer, password, freshAddress())).toMatchObject({ ok: true });
      },
    );
  },
);
