import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Labels on every container and network the chaos layer starts. Ryuk (Testcontainers' reaper) cannot be pulled
 * here, so the harness removes its own: in `ContainerStack.stop()`, on SIGINT/SIGTERM/exit of the process that
 * started them, and by owner at the start and end of every chaos run (vitest.chaos.config.ts's global setup).
 * Several runs share one Docker daemon (two checkouts, two terminals): `CHAOS_LABEL` holds the stack's run id and
 * `CHAOS_OWNER_LABEL` the `host:pid` of the runner that owns it, so a sweep removes only its own containers and
 * those whose runner is gone, never a live sibling run's.
 */
export const CHAOS_LABEL = 'chatrt.chaos';
export const CHAOS_OWNER_LABEL = 'chatrt.chaos.owner';

/**
 * Set by the chaos suite's global setup to its own `host:pid`, so the containers its test workers start belong to
 * the run (a worker that dies leaves them to the run's teardown, not to the next run).
 */
export const CHAOS_OWNER_ENV = 'CHATRT_CHAOS_OWNER';

const thisProcess = `${hostname()}:${process.pid}`;

/** The runner that owns what this process starts: the chaos run's main process, else this process. */
export function chaosOwner(): string {
  return process.env[CHAOS_OWNER_ENV] ?? thisProcess;
}

/** The labels of a container or network of the stack `runId`, owned by this runner. */
export function chaosLabels(runId: string): Record<string, string> {
  return { [CHAOS_LABEL]: runId, [CHAOS_OWNER_LABEL]: chaosOwner() };
}

/** The same labels as `docker … --label` arguments. */
export function chaosLabelArgs(runId: string): string[] {
  return Object.entries(chaosLabels(runId)).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
}

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

/**
 * Whether an owner label names a runner that is gone: a process of this host that no longer exists. Owners on
 * another host (a Docker daemon shared over the network) cannot be checked and are never swept.
 */
export function ownerIsGone(owner: string, host = hostname()): boolean {
  const separator = owner.lastIndexOf(':');
  const pid = Number(owner.slice(separator + 1));
  if (separator <= 0 || owner.slice(0, separator) !== host || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists (another user's), so it is not gone.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** What a sweep removes: this runner's own (`mine`) and those of runners that are gone. */
function sweepable(listing: string, mine: boolean): string[] {
  const owner = chaosOwner();
  return listing
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const [id = '', label = ''] = line.split(' ');
      return (mine && label === owner) || ownerIsGone(label) ? [id] : [];
    });
}

const listArgs = (what: 'ps' | 'network'): string[] => [
  ...(what === 'ps' ? ['ps', '--all'] : ['network', 'ls']),
  '--filter',
  `label=${CHAOS_OWNER_LABEL}`,
  '--format',
  `{{.ID}} {{.Label "${CHAOS_OWNER_LABEL}"}}`,
];

/**
 * Removes the containers and networks of chaos runs that are gone (e.g. after `kill -9` of a test runner) and,
 * with `mine`, this runner's own. Live sibling runs keep theirs.
 */
export async function sweepChaosLeftovers({ mine }: { mine: boolean }): Promise<void> {
  const containers = await run('docker', listArgs('ps'));
  await removeContainers(sweepable(containers.stdout, mine));
  const networks = await run('docker', listArgs('network'));
  const ids = sweepable(networks.stdout, mine);
  if (ids.length > 0) await run('docker', ['network', 'rm', ...ids]).catch(() => undefined);
}

/** This runner's sweep, synchronously: for `exit` and signal handlers, where nothing asynchronous runs any more. */
export function sweepOwnChaosLeftoversSync(): void {
  const list = (what: 'ps' | 'network') =>
    sweepable(execFileSync('docker', listArgs(what), { encoding: 'utf8', timeout: 30_000 }), true);
  try {
    const containers = list('ps');
    if (containers.length > 0) {
      spawnSync('docker', ['unpause', ...containers], { stdio: 'ignore', timeout: 30_000 });
      spawnSync('docker', ['rm', '--force', '--volumes', ...containers], { stdio: 'ignore', timeout: 120_000 });
    }
    const networks = list('network');
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
    // The global teardown's sweep by owner catches what this could not remove.
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
