import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Set in the re-run process to the pid of the process that started it. */
const marker = 'CHAT_STACK_SUPERVISOR_PID';

/**
 * Re-runs the current script in a process group of its own, relays the first SIGINT, SIGTERM or SIGHUP to
 * it as SIGTERM, and resolves with its exit code; in the re-run process it resolves `undefined` at once.
 * Why: Ctrl-C signals the terminal's whole foreground group, so Postgres and nats-server (children of the
 * launcher) would stop at the same moment as the services instead of after them.
 */
export function runInOwnProcessGroup(): Promise<number> | undefined {
  if (process.env[marker] === String(process.ppid)) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, [marker]: String(process.pid) },
  });
  let relayed = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // npm relays Ctrl-C too, so one keypress can arrive twice; the stack needs to hear it once.
      if (!relayed) child.kill('SIGTERM');
      relayed = true;
    });
  }
  return new Promise((resolve) => {
    child.once('error', (err) => {
      console.error(`[start] could not start the launcher: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
