import { describe, it, expect, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/infra/ports.ts';
import { eventually } from '../src/index.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The pids of a process's children (Linux). */
async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(' ').filter(Boolean).map(Number);
}

async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Launcher {
  process: ChildProcess;
  dataDir: string;
  output(): string;
  exitCode: Promise<number | null>;
  /** Everything the launcher started (services, nats-server, Postgres), with their command lines. */
  children: { pid: number; command: string }[];
}

/** `npm start`'s launcher on free ports and a temporary DATA_DIR; resolves once it printed that it is up. */
async function startLauncher(): Promise<Launcher> {
  const dataDir = await mkdtemp(`${tmpdir()}/chat-launcher-`);
  await chmod(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    WEBSOCKET_PORT: String(await freePort()),
    AUTH_OPS_PORT: String(await freePort()),
    CHAT_OPS_PORT: String(await freePort()),
    NOTIFY_OPS_PORT: String(await freePort()),
  };
  delete env['DATABASE_URL'];
  delete env['NATS_URL'];
  const child = spawn(process.execPath, ['harness/src/start.ts'], {
    cwd: repositoryRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  const exitCode = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  const launcher: Launcher = { process: child, dataDir, output: () => output, exitCode, children: [] };
  launchers.push(launcher);
  await eventually(() => output.includes('chat-realtime is up') || child.exitCode !== null, Boolean, 240_000);
  expect(output).toContain('chat-realtime is up');
  // The launcher re-runs itself in its own process group; what it starts are that process's children.
  const [stackLauncher] = await childPids(child.pid!);
  launcher.children = await Promise.all(
    (await childPids(stackLauncher!)).map(async (pid) => ({ pid, command: await commandLine(pid) })),
  );
  return launcher;
}

const launchers: Launcher[] = [];

describe('npm start (harness/src/start.ts)', () => {
  afterEach(async () => {
    for (const launcher of launchers.splice(0)) {
      if (launcher.process.exitCode === null && launcher.process.signalCode === null) {
        launcher.process.kill('SIGTERM');
        await launcher.exitCode;
      }
      await rm(launcher.dataDir, { recursive: true, force: true });
    }
  });

  it('stops everything it started and exits 0 on SIGTERM', async () => {
    const launcher = await startLauncher();
    expect(launcher.children.map(({ command }) => command).join('\n')).toMatch(
      /nats-server[\s\S]*postgres|postgres[\s\S]*nats-server/,
    );
    launcher.process.kill('SIGTERM');
    expect(await launcher.exitCode).toBe(0);
    for (const { pid } of launcher.children) expect(alive(pid)).toBe(false);
  }, 300_000);

  it('gives up, stops the stack and exits non-zero when a service keeps crashing at once', async () => {
    const launcher = await startLauncher();
    const auth = launcher.children.find(({ command }) => command.includes('services/auth/src/main.ts'));
    expect(auth).toBeDefined();
    // Without its signing key auth exits at once on every start, as a broken deployment would.
    await rm(join(launcher.dataDir, 'auth-signing-key.pem'));
    process.kill(auth!.pid, 'SIGKILL');

    expect(await launcher.exitCode).toBe(1);
    const output = launcher.output();
    expect(output).toMatch(/\[supervisor\] !!! auth exited \(code null, signal SIGKILL\); restarting in 0\.5 s/);
    expect(output).toMatch(/\[supervisor\] !!! auth did not come back: .*; restarting in 1 s/);
    expect(output).toMatch(/\[start\] !!! auth crashed 5 times within 60 s .*giving up: stopping the stack/);
    for (const { pid } of launcher.children) expect(alive(pid)).toBe(false);
  }, 300_000);
});
