/**
 * The dependency rule of the services' skeleton (see the README): `src/domain/` is pure, so it imports nothing
 * from outside `domain/` (adapters, use cases, wiring) and no module that does I/O; the use cases in
 * `src/application/` reach adapters only through the ports they define, never by importing them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const services = ['auth', 'chat', 'notify', 'gateway'];

/** Modules that reach disks, sockets, processes or servers: a domain importing one is not pure. */
const ioModules = [
  /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|dns|tls|child_process|cluster|worker_threads)$/,
  /^(pg|pg-pool|node-pg-migrate|nats|socket\.io|socket\.io-client|fastify|ioredis|undici|prom-client)$/,
  /^(@nats-io|@fastify|@testcontainers)\//,
];
/** Package entries that load such modules; a domain takes what it needs from a pure subpath instead. */
const impureEntries = new Map([
  ['@chatrt/service-kit', "loads the Postgres and NATS clients: import '@chatrt/service-kit/errors'"],
  ['@chatrt/contracts/conformance', 'writes files'],
]);

/** Every .ts file under `dir`, recursively. */
async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** The module specifiers a file imports or re-exports, type-only and dynamic imports included. */
async function importsOf(file: string): Promise<string[]> {
  const { importedFiles } = ts.preProcessFile(await readFile(file, 'utf8'), true, true);
  return importedFiles.map((f) => f.fileName);
}

const isInside = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);

/** Each import that breaks the rule, as `file: specifier (why)`, paths relative to the repository. */
async function violations(service: string): Promise<string[]> {
  const src = join(root, 'services', service, 'src');
  const [domain, application, adapters] = [join(src, 'domain'), join(src, 'application'), join(src, 'adapters')];
  const found: string[] = [];
  const check = async (layer: string, why: (specifier: string, target: string | undefined) => string | undefined) => {
    for (const file of await sourceFiles(layer)) {
      for (const specifier of await importsOf(file)) {
        const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : undefined;
        const reason = why(specifier, target);
        if (reason) found.push(`${relative(root, file)}: '${specifier}' (${reason})`);
      }
    }
  };
  await check(domain, (specifier, target) => {
    if (target !== undefined) return isInside(target, domain) ? undefined : 'outside domain/';
    if (ioModules.some((pattern) => pattern.test(specifier))) return 'an I/O module';
    return impureEntries.get(specifier);
  });
  await check(application, (_specifier, target) =>
    target !== undefined && isInside(target, adapters) ? 'an adapter: depend on a port instead' : undefined,
  );
  return found;
}

describe('the dependency rule of every service', () => {
  it.each(services)('%s: domain/ is pure and application/ imports no adapter', async (service) => {
    const domainFiles = await sourceFiles(join(root, 'services', service, 'src', 'domain'));
    expect(domainFiles.length, 'a domain/ folder with sources').toBeGreaterThan(0);
    expect(await violations(service)).toEqual([]);
  });
});
