import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { freePort, waitForPort } from './ports.ts';

/** A nats-server this process started, with JetStream storing in `dataDir`. */
export interface RunningNats {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts `nats-server -js` from NATS_SERVER_BIN (scripts/tools.sh provisions it) or PATH, bound to
 * loopback, and waits until it accepts connections.
 */
export async function startNatsServer(options: { dataDir: string; port?: number }): Promise<RunningNats> {
  const port = options.port ?? (await freePort());
  await mkdir(options.dataDir, { recursive: true });
  const bin = process.env['NATS_SERVER_BIN'] || 'nats-server';
  const child = spawn(bin, ['-js', '-sd', options.dataDir, '-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${stderr.join('').slice(-2000)}`))),
  );
  exited.catch(() => {});
  child.once('error', (err) => stderr.push(String(err)));
  await Promise.race([waitForPort(port, 15_000), exited]);
  return { url: `nats://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
