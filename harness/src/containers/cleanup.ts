import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Label on every container the chaos layer starts. Ryuk (Testcontainers' reaper) cannot be pulled here, so the
 * harness removes its own containers: in `ContainerStack.stop()`, on SIGINT/SIGTERM/exit of the process that
 * started them, and by this label before and after every chaos run (vitest.chaos.config.ts's global setup).
 */
export const CHAOS_LABEL = 'chatrt.chaos';

const started = new Set<string>();
let handlersInstalled = false;

/** Remembers a container so an interrupted run still removes it. */
export function trackContainer(id: string): void {
  installHandlers();
  started.add(id);
}

/** Removes containers (running, paused or exited) and their anonymous volumes; missing ones are fine. */
export async function removeContainers(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await run('docker', ['unpause', ...ids]).catch(() => undefined);
  await run('docker', ['rm', '--force', '--volumes', ...ids], { timeout: 120_000 }).catch(() => undefined);
  for (const id of ids) started.delete(id);
}

/** Removes every container and network any chaos run left behind (e.g. after `kill -9` of the test runner). */
export async function sweepChaosLeftovers(): Promise<void> {
  const { stdout } = await run('docker', ['ps', '--all', '--quiet', '--filter', `label=${CHAOS_LABEL}`]);
  await removeContainers(stdout.split('\n').filter(Boolean));
  const networks = await run('docker', ['network', 'ls', '--quiet', '--filter', `label=${CHAOS_LABEL}`]);
  const ids = networks.stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await run('docker', ['network', 'rm', ...ids]).catch(() => undefined);
}

/** The same sweep, synchronously: for `exit` and signal handlers, where nothing asynchronous runs any more. */
export function sweepChaosLeftoversSync(): void {
  const list = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 30_000 }).split('\n').filter(Boolean);
  try {
    const containers = list(['ps', '--all', '--quiet', '--filter', `label=${CHAOS_LABEL}`]);
    if (containers.length > 0) {
      spawnSync('docker', ['unpause', ...containers], { stdio: 'ignore', timeout: 30_000 });
      spawnSync('docker', ['rm', '--force', '--volumes', ...containers], { stdio: 'ignore', timeout: 120_000 });
    }
    const networks = list(['network', 'ls', '--quiet', '--filter', `label=${CHAOS_LABEL}`]);
    if (networks.length > 0) spawnSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    // Docker not answering: nothing of ours can be running either.
  }
}

function removeTrackedNow(): void {
  if (started.size === 0) return;
  const ids = [...started];
  started.clear();
  try {
    execFileSync('docker', ['rm', '--force', '--volumes', ...ids], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    // The global teardown's sweep by label catches what this could not remove.
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', removeTrackedNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeTrackedNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
