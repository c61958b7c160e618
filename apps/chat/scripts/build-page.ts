import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdir, readFile, rm, stat, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('../', import.meta.url));
const repoDir = fileURLToPath(new URL('../../../', import.meta.url));
const distIndex = join(appDir, 'dist', 'index.html');
/** Everything the bundle is made of; a change to any of them makes the build stale. */
const sources = [
  join(appDir, 'src'),
  join(appDir, 'index.html'),
  join(appDir, 'vite.config.ts'),
  join(appDir, 'package.json'),
  join(repoDir, 'packages', 'client', 'src'),
  join(repoDir, 'packages', 'contracts', 'src'),
];

/** How to build. */
export interface EnsureBuiltOptions {
  /** Environment of the build; its NEXT_PUBLIC_* are baked in (see vite.config.ts). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Build with no NEXT_PUBLIC_* baked in, so the page takes everything from the serving gateway (the
   * browser tests need this for their free ports); a build with baked values counts as stale. Default false.
   */
  plain?: boolean;
}

/**
 * Makes sure `apps/chat/dist` holds a build of the current sources: builds when it is missing or older than
 * any source, otherwise does nothing. One build at a time across processes (a lock directory). Returns
 * whether it built. After changing NEXT_PUBLIC_* alone, run `npm run build:web` to rebuild.
 */
export async function ensurePageBuilt(options: EnsureBuiltOptions = {}): Promise<boolean> {
  const plain = options.plain ?? false;
  let env = options.env ?? process.env;
  // Values from the environment would be baked in; a plain build must take the gateway's.
  if (plain) env = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('NEXT_PUBLIC_')));
  return withLock(join(appDir, '.build-lock'), async () => {
    if (await isFresh(plain)) return false;
    await build(env);
    const info = await buildInfo();
    if (plain && (info === undefined || Object.keys(info.env).length > 0)) {
      throw new Error(
        `the page was built with ${JSON.stringify(info?.env)}; ` +
          'remove NEXT_PUBLIC_* from apps/chat/.env* for the browser tests',
      );
    }
    return true;
  });
}

async function isFresh(plain: boolean): Promise<boolean> {
  const built = await mtime(distIndex);
  const info = await buildInfo();
  if (built === undefined || info === undefined) return false;
  if (plain && Object.keys(info.env).length > 0) return false;
  for (const source of sources) if (((await newestMtime(source)) ?? 0) > built) return false;
  return true;
}

async function buildInfo(): Promise<{ env: Record<string, string> } | undefined> {
  try {
    return JSON.parse(await readFile(join(appDir, 'dist', 'build-info.json'), 'utf8')) as {
      env: Record<string, string>;
    };
  } catch {
    return undefined;
  }
}

function build(env: NodeJS.ProcessEnv): Promise<void> {
  const vite = join(
    dirname(createRequire(join(appDir, 'package.json')).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: appDir,
      env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (${code}):\n${stderr}`));
    });
  });
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function newestMtime(path: string): Promise<number | undefined> {
  const self = await stat(path).catch(() => undefined);
  if (!self) return undefined;
  if (!self.isDirectory()) return self.mtimeMs;
  let newest = self.mtimeMs;
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Runs `fn` holding a directory lock; a lock older than two minutes is taken as left by a killed run. */
async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - ((await mtime(lockDir)) ?? Date.now());
      if (age > 120_000) await rm(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lockDir} held for too long`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
