import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHAOS_LABEL,
  CHAOS_OWNER_ENV,
  CHAOS_OWNER_LABEL,
  chaosOwner,
  sweepChaosLeftovers,
} from '../src/containers/cleanup.ts';
import { chaosOnProcesses } from '../src/chaos/start-scenario-stack.ts';
import { defaultImages } from '../src/containers/container-stack.ts';

const run = promisify(execFile);

/** Creates (does not start) a labelled container owned by `owner`; returns its id. */
async function leftover(owner: string): Promise<string> {
  const { stdout } = await run('docker', [
    'create',
    '--label',
    `${CHAOS_LABEL}=cleanup-${randomUUID().slice(0, 8)}`,
    '--label',
    `${CHAOS_OWNER_LABEL}=${owner}`,
    defaultImages.nats,
  ]);
  return stdout.trim();
}

async function exists(id: string): Promise<boolean> {
  return run('docker', ['inspect', id]).then(
    () => true,
    () => false,
  );
}

/**
 * Several runs share the Docker daemon: a sweep removes what a dead runner left and this run's own, never a live
 * sibling's.
 */
describe.skipIf(chaosOnProcesses)('chaos: cleanup by owner', () => {
  const created: string[] = [];
  afterAll(() => run('docker', ['rm', '--force', ...created]).catch(() => undefined));

  it('labels with the run as owner, and sweeps only dead runners (and its own when asked)', async () => {
    // The global setup made the runner the owner; the worker inherited it.
    expect(process.env[CHAOS_OWNER_ENV]).toBe(chaosOwner());
    const exited = spawnSync(process.execPath, ['-e', '']);
    const dead = await leftover(`${hostname()}:${exited.pid}`);
    const sibling = await leftover(`${hostname()}:${process.pid}`);
    const remote = await leftover('another-host:1');
    const mine = await leftover(chaosOwner());
    created.push(dead, sibling, remote, mine);

    await sweepChaosLeftovers({ mine: false });
    expect(await Promise.all([dead, sibling, remote, mine].map(exists))).toEqual([false, true, true, true]);

    await sweepChaosLeftovers({ mine: true });
    expect(await Promise.all([sibling, remote, mine].map(exists))).toEqual([true, true, false]);
  });
});
