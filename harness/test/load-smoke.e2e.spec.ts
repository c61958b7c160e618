import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../src/testing/test-stack.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run load -- <args>` as scripts/load.sh runs it (installs Artillery into load/ on first use). */
function runLoad(env: TestStack, args: string[]): Promise<{ code: number; output: string }> {
  const { socketUrl, apiUrl } = env.config();
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['scripts/load.sh', ...args],
      {
        cwd: repositoryRoot,
        env: { ...process.env, LOAD_TARGET: socketUrl, LOAD_API_URL: apiUrl },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('npm run load -- smoke (Artillery against a running stack)', () => {
  let env: TestStack;
  beforeAll(async () => {
    env = await startTestStack({ LOG_LEVEL: 'warn' });
    return () => env.stop();
  });

  it('passes its ensure checks: every ack ok, no failed user', { timeout: 240_000 }, async () => {
    const { code, output } = await runLoad(env, ['smoke']);
    expect(output).toContain(`smoke against ${env.config().socketUrl}`);
    expect(output).toMatch(/^ok: vusers\.failed == 0$/m);
    expect(output).toMatch(/^ok: socketio\.response_time\.p99 < \d+$/m);
    expect(output).toMatch(/^vusers\.completed: \.+ 6$/m);
    expect(code).toBe(0);
  });

  it('exits non-zero when a threshold is missed', { timeout: 120_000 }, async () => {
    const impossible = {
      config: {
        phases: [{ duration: 1, arrivalCount: 1 }],
        ensure: { thresholds: [{ 'socketio.response_time.p99': 0.001 }] },
      },
    };
    const { code, output } = await runLoad(env, ['smoke', '--overrides', JSON.stringify(impossible)]);
    expect(output).toMatch(/^fail: socketio\.response_time\.p99 < 0\.001$/m);
    expect(code).not.toBe(0);
  });
});
