import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/faulty-service.ts', import.meta.url));

interface Run {
  lines: Array<Record<string, unknown>>;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the faulty service; `onLine` may stop it (SIGTERM) once it has seen what it waits for. */
function runFaulty(fault: string, stopWhen: (line: Record<string, unknown>) => boolean = () => false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, fault], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<Record<string, unknown>> = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const text of complete) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (stopWhen(line)) {
          child.kill('SIGTERM');
          // A service that ignores SIGTERM is killed, and shows up as `signal: 'SIGKILL'`.
          timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        }
      }
    });
    let timer: NodeJS.Timeout | undefined;
    child.on('error', reject);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ lines, exitCode, signal });
    });
  });
}

describe('guardProcess (installed by runService)', () => {
  it('logs an uncaught exception with its error, closes the service, and exits 1', async () => {
    const { lines, exitCode } = await runFaulty('exception');
    expect(exitCode).toBe(1);
    const fatal = lines.find((line) => line['level'] === 60);
    expect(fatal).toMatchObject({
      service: 'faulty',
      origin: 'uncaughtException',
      err: { message: 'thrown outside any handler' },
    });
    expect(lines.map((line) => line['msg'])).toContain('closed');
  });

  it('logs and counts an unhandled rejection and keeps running', async () => {
    const { lines, exitCode, signal } = await runFaulty('rejection', (line) => line['msg'] === 'still running');
    expect(lines.find((line) => line['level'] === 50)).toMatchObject({
      err: { message: 'rejected and never awaited' },
    });
    expect(lines.find((line) => line['msg'] === 'still running')?.['counted']).toMatch(
      /kind="unhandledRejection".* 1$/,
    );
    expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: null });
    expect(lines.map((line) => line['msg'])).toEqual(expect.arrayContaining(['shutting down', 'closed']));
  });
});
