import { describe, it, expect, afterAll } from 'vitest';
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

describe('npm start (harness/src/start.ts)', () => {
  let launcher: ChildProcess | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM');
      await new Promise((resolve) => launcher?.once('exit', resolve));
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('gives up, stops the stack and exits non-zero when a service keeps crashing at once', async () => {
    dataDir = await mkdtemp(`${tmpdir()}/chat-launcher-`);
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
    const started = spawn(process.execPath, ['harness/src/start.ts'], { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    await eventually(async () => output.includes('chat-realtime is up') || started.exitCode !== null, Boolean, 240_000);
    expect(output).toContain('chat-realtime is up');

    // The launcher re-runs itself in its own process group; the services are that process's children.
    const [stackLauncher] = await childPids(started.pid!);
    const services = await Promise.all((await childPids(stackLauncher!)).map(async (pid) => ({ pid, command: await commandLine(pid) })));
    const auth = services.find(({ command }) => command.includes('services/auth/src/main.ts'));
    expect(auth).toBeDefined();
    // Without its signing key auth exits at once on every start, as a broken deployment would.
    await rm(join(dataDir, 'auth-signing-key.pem'));
    process.kill(auth!.pid, 'SIGKILL');

    expect(await exitCode).toBe(1);
    expect(output).toMatch(/\[supervisor\] !!! auth exited \(code null, signal SIGKILL\); restarting in 0\.5 s/);
    expect(output).toMatch(/\[supervisor\] !!! auth did not come back: .*; restarting in 1 s/);
    expect(output).toMatch(/\[start\] !!! auth crashed 5 times within 60 s .*giving up: stopping the stack/);
    // Everything it started is gone with it.
    for (const { pid } of services) expect(() => process.kill(pid, 0)).toThrow();
  }, 300_000);
});
