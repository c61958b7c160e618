import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '@chatrt/service-kit';
import { installErrorHandling } from '../src/adapters/http/errors.ts';
import { registerContractDocs } from '../src/adapters/http/contract-docs.ts';

/** The gateway's serving of the contract docs, on a stand-in build in a temporary folder. */
describe('contract docs serving', () => {
  let dir: string;
  const apps: FastifyInstance[] = [];

  const appFor = async (distDir: string, warnings: string[] = []) => {
    const log = createLogger('contract-docs-test', 'silent');
    log.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof log.warn;
    const app = Fastify();
    installErrorHandling(app, log);
    registerContractDocs(app, { log, distDir });
    await app.ready();
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    dir = await mkdtemp(`${tmpdir()}/contract-docs-`);
    await mkdir(`${dir}/dist`, { recursive: true });
    await writeFile(`${dir}/dist/index.html`, '<!doctype html><a href="openapi.yaml">openapi.yaml</a>');
    await writeFile(`${dir}/dist/openapi.yaml`, 'openapi: 3.1.0\n');
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the index and the raw specs as YAML, revalidated on every load, and redirects /docs', async () => {
    const app = await appFor(`${dir}/dist`);
    const redirect = await app.inject({ url: '/docs' });
    expect([redirect.statusCode, redirect.headers.location]).toEqual([301, '/docs/']);
    const index = await app.inject({ url: '/docs/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const spec = await app.inject({ url: '/docs/openapi.yaml' });
    expect(spec.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(spec.body).toBe('openapi: 3.1.0\n');
    const missing = await app.inject({ url: '/docs/missing.html' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('without a build, warns at start-up and answers 404 saying how to build', async () => {
    const warnings: string[] = [];
    const app = await appFor(`${dir}/missing-dist`, warnings);
    expect(warnings).toEqual([expect.stringContaining('npm run docs')]);
    for (const url of ['/docs/', '/docs/openapi.html']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'the contract docs are not built; run `npm run docs`' },
      });
    }
  });
});
