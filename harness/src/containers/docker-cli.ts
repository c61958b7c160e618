import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the docker CLI; its output (stdout then stderr), or an error that carries docker's stderr. */
export async function docker(args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('docker', args, { timeout: 120_000 });
    return stdout + stderr;
  } catch (err) {
    throw new Error(`docker ${args.join(' ')} failed: ${stderrOf(err)}`, { cause: err });
  }
}

function stderrOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'stderr' in err && typeof err.stderr === 'string') return err.stderr;
  return String(err);
}

/** Container port → host port of a container's bindings on 127.0.0.1 (empty while it is not running). */
export async function publishedPorts(id: string): Promise<Map<number, number>> {
  const raw = await docker(['inspect', '--format', '{{json .NetworkSettings.Ports}}', id]);
  const bindings = JSON.parse(raw) as Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
  const ports = new Map<number, number>();
  for (const [key, hostBindings] of Object.entries(bindings ?? {})) {
    const binding = hostBindings?.find((b) => b.HostIp === '127.0.0.1');
    if (binding) ports.set(Number.parseInt(key, 10), Number.parseInt(binding.HostPort, 10));
  }
  return ports;
}
