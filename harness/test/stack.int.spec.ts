import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStack, type ServiceExit, type StackOptions } from '../src/stack/index.ts';

/**
 * A stand-in service: serves the health URLs the launcher waits for and exits 7 on `GET /exit`. With
 * FAKE_MODE=crash it fails at start-up the way a badly configured service does; with FAKE_MODE=unhealthy
 * its health URLs answer 503.
 */
const fakeService = `
import { createServer } from 'node:http';
console.log(JSON.stringify({ level: 30, time: Date.now(), msg: 'starting', mode: process.env.FAKE_MODE ?? 'healthy' }));
if (process.env.FAKE_MODE === 'crash') {
  console.error('invalid configuration: FAKE_MODE=crash');
  process.exit(3);
}
const servers = [];
for (const port of [process.env.OPS_PORT, process.env.PORT, process.env.WEBSOCKET_PORT]) {
  if (!port) continue;
  const server = createServer((req, res) => {
    const health = process.env.FAKE_MODE === 'unhealthy' ? 503 : 200;
    res.writeHead(req.url === '/exit' ? 200 : req.url?.endsWith('/health') ? health : 404).end();
    if (req.url === '/exit') process.exit(7);
  });
  server.listen(Number(port));
  servers.push(server);
}
process.once('SIGTERM', () => { for (const server of servers) server.close(); servers.length = 0; });
`;

describe('stack launcher (stand-in services, shared infrastructure)', () => {
  let rootDir: string;
  let dataDir: string;

  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'stack-root-'));
    dataDir = join(rootDir, 'data');
    for (const name of ['auth', 'chat', 'notify', 'gateway']) {
      await mkdir(join(rootDir, 'services', name, 'src'), { recursive: true });
      await writeFile(join(rootDir, 'services', name, 'src', 'main.ts'), fakeService);
    }
    await chmod(rootDir, 0o755);
  });

  afterAll(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  const options = (overrides: Partial<StackOptions> = {}): StackOptions => ({
    dataDir,
    rootDir,
    databaseUrl: inject('databaseUrl'),
    natsUrl: inject('natsUrl'),
    env: {},
    ...overrides,
  });

  it('starts the services, restarts one on demand, and stops them all', async () => {
    const stack = await startStack(options());
    try {
      expect(stack.services).toEqual(['auth', 'chat', 'notify', 'gateway']);
      expect((await fetch(`${stack.urls.ops.chat}/health`)).status).toBe(200);
      await stack.stopService('chat');
      await expect(fetch(`${stack.urls.ops.chat}/health`)).rejects.toThrow();
      await stack.startService('chat');
      expect((await fetch(`${stack.urls.ops.chat}/health`)).status).toBe(200);
      await expect(stack.startService('chat')).rejects.toThrow('chat is already running');
      expect(stack.logs('chat').filter((line) => line.includes('"starting"'))).toHaveLength(2);
    } finally {
      await stack.stop();
    }
    await expect(fetch(`${stack.urls.api}/api/health`)).rejects.toThrow();
  });

  it('fails clearly when a selected service does not exist, unless told to skip it', async () => {
    const emptyRoot = await mkdtemp(join(tmpdir(), 'stack-empty-'));
    try {
      await expect(startStack(options({ rootDir: emptyRoot, services: ['auth'] }))).rejects.toThrow(
        /cannot start auth: .*services\/auth\/src\/main\.ts does not exist/,
      );
      const stack = await startStack(options({ rootDir: emptyRoot, skipMissingServices: true }));
      expect(stack.services).toEqual([]);
      await stack.stop();
    } finally {
      await rm(emptyRoot, { recursive: true, force: true });
    }
  });

  it('reports a service that dies during start-up with its last output lines', async () => {
    const started = startStack(options({ env: { FAKE_MODE: 'crash' }, services: ['auth'] }));
    await expect(started).rejects.toThrow(
      /auth did not become ready: exited during start-up \(code 3[\s\S]*invalid configuration/,
    );
  });

  it('gives up on a service that does not become healthy in time', async () => {
    const started = startStack(options({ env: { FAKE_MODE: 'unhealthy' }, services: ['auth'], readyTimeoutMs: 1000 }));
    await expect(started).rejects.toThrow(/auth did not become ready: not healthy in time: GET \S+\/health → 503/);
  });

  it('tells the caller when a running service exits unexpectedly', async () => {
    let reportExit: (exit: ServiceExit) => void = () => {};
    const reported = new Promise<ServiceExit>((resolve) => (reportExit = resolve));
    const stack = await startStack(
      options({
        services: ['notify'],
        onUnexpectedExit: (exit) => {
          reportExit(exit);
        },
      }),
    );
    try {
      await fetch(`${stack.urls.ops.notify}/exit`).catch(() => {});
      const exit = await reported;
      expect(exit).toMatchObject({ service: 'notify', code: 7, signal: null });
      expect(exit.lastLines.join('\n')).toContain('starting');
    } finally {
      await stack.stop();
    }
  });
});
