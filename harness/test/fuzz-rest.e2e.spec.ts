import { describe, it, expect, beforeAll } from 'vitest';
import {
  expectIntactAfterFuzz,
  FuzzFailures,
  startFuzzFixture,
  type FuzzFixture,
} from '../src/testing/fuzz/fuzz-fixture.ts';
import { hostileRestRequests } from '../src/testing/fuzz/rest-routes.ts';

describe('fuzz: hostile REST routes, queries and bodies are refused with codes and change nothing', () => {
  let fixture: FuzzFixture;
  let restRequests = 0;

  beforeAll(async () => {
    fixture = await startFuzzFixture();
    return () => fixture.env.stop();
  });

  // Hostile paths, queries and bodies, each by cookie and by bearer token.
  it('answers every REST route with a coded 4xx, never a 5xx, for hostile input', async () => {
    const failures = new FuzzFailures();
    const requests = hostileRestRequests(fixture, failures);
    restRequests = requests.length;
    const concurrency = 16;
    for (let i = 0; i < requests.length; i += concurrency) {
      await Promise.all(requests.slice(i, i + concurrency).map((request) => request()));
    }
    expect(failures.list).toEqual([]);
  });

  it('stored nothing hostile, every service is still up, and normal use still works (with NFC text)', async () => {
    console.log(`fuzz: ${restRequests} REST requests tried`);
    await expectIntactAfterFuzz(fixture);
  });
});
