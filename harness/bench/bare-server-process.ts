import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** `bare-socketio-server.ts` in its own process. */
export interface BareServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startBareServer(): Promise<BareServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [new URL('./bare-socketio-server.ts', import.meta.url).pathname],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  if (!port) throw new Error(`bare Socket.IO server did not start: ${line.toString()}`);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
