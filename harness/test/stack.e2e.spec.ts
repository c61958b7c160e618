import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, it, type TestContext } from 'vitest';
import { serviceNames, startStack, type Stack } from '../src/stack/index.ts';

/** A full start runs four services one after the other, each allowed up to a minute. */
const stackTimeout = 300_000;

/** A fresh data dir Postgres can use: it runs as user `postgres` when the tests run as root. */
async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stack-e2e-'));
  await chmod(dir, 0o755);
  return dir;
}

/** Starts the whole stack on free ports; a failing test shows each service's last output lines. */
async function startFullStack(dataDir: string, context: TestContext): Promise<Stack> {
  const stack = await startStack({ dataDir, env: {} });
  context.onTestFailed(() => {
    for (const name of stack.services) console.error(`--- ${name} ---\n${stack.logs(name).slice(-50).join('\n')}`);
  });
  return stack;
}

async function status(url: string): Promise<number> {
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, () =>
      server.close(() => {
        resolve(true);
      }),
    );
  });
}

/** Command lines of the processes this test process started that are still alive, or that use `dataDir`. */
async function leftoverProcesses(dataDir: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'ppid=,args=']);
  return stdout
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .filter(([, ppid, args]) => Number(ppid) === process.pid || args!.includes(dataDir))
    .map(([, , args]) => args!)
    .filter((args) => !args.startsWith('ps '));
}

describe('stack launcher (real services)', () => {
  it(
    'starts every service healthy, then stops them all and releases their ports',
    { timeout: stackTimeout },
    async (context) => {
      const dataDir = await tempDataDir();
      try {
        const stack = await startFullStack(dataDir, context);
        try {
          expect(stack.services).toEqual(serviceNames);
          expect(await status(`${stack.urls.api}/api/health`)).toBe(200);
          expect(await status(`${stack.urls.socket}/health`)).toBe(200);
          for (const ops of Object.values(stack.urls.ops)) {
            expect(await status(`${ops}/health`)).toBe(200);
            expect(await status(`${ops}/metrics`)).toBe(200);
          }
        } finally {
          await stack.stop();
        }
        const ports = [
          stack.ports.api,
          stack.ports.socket,
          ...Object.values(stack.ports.ops),
          Number(new URL(stack.urls.databaseUrl).port),
          Number(new URL(stack.urls.natsUrl).port),
        ];
        for (const port of ports) expect(await portIsFree(port), `port ${port} still in use`).toBe(true);
        expect(await leftoverProcesses(dataDir)).toEqual([]);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );

  it(
    'keeps Postgres data, the JetStream store and the signing key when restarted with the same data dir',
    { timeout: stackTimeout },
    async (context) => {
      const dataDir = await tempDataDir();
      const marker = crypto.randomUUID();
      const streamName = `restart_probe_${marker.replaceAll('-', '')}`;
      try {
        const first = await startFullStack(dataDir, context);
        try {
          await withDatabase(first.urls.databaseUrl, async (db) => {
            await db.query('create table restart_probe (marker text primary key)');
            await db.query('insert into restart_probe values ($1)', [marker]);
          });
          await jetStreamRequest(first.urls.natsUrl, `$JS.API.STREAM.CREATE.${streamName}`, {
            name: streamName,
            subjects: [`${streamName}.>`],
            storage: 'file',
          });
          await jetStreamRequest(first.urls.natsUrl, `${streamName}.probe`, { marker });
        } finally {
          await first.stop();
        }
        const keyBefore = await readFile(join(dataDir, 'auth-signing-key.pem'), 'utf8');

        const second = await startFullStack(dataDir, context);
        try {
          await withDatabase(second.urls.databaseUrl, async (db) => {
            const { rows } = await db.query<{ marker: string }>('select marker from restart_probe');
            expect(rows).toEqual([{ marker }]);
          });
          const info = (await jetStreamRequest(second.urls.natsUrl, `$JS.API.STREAM.INFO.${streamName}`, {})) as {
            state?: { messages?: number };
          };
          expect(info.state?.messages).toBe(1);
          expect(await readFile(join(dataDir, 'auth-signing-key.pem'), 'utf8')).toBe(keyBefore);
        } finally {
          await second.stop();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});

async function withDatabase(url: string, use: (db: pg.Client) => Promise<void>): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await use(db);
  } finally {
    await db.end();
  }
}

/**
 * Sends a JSON request over core NATS and returns the JSON reply: the JetStream API answers requests on
 * `$JS.API.*`, and a publish to a stream's subject is acknowledged the same way.
 */
async function jetStreamRequest(natsUrl: string, subject: string, body: unknown): Promise<unknown> {
  const nc = await connect({ servers: natsUrl });
  try {
    const reply = await nc.request(subject, JSON.stringify(body), { timeout: 5000 });
    const answer = reply.json<{ error?: { description?: string } }>();
    if (answer.error) throw new Error(`${subject}: ${answer.error.description ?? JSON.stringify(answer.error)}`);
    return answer;
  } finally {
    await nc.close();
  }
}
