import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '@chatrt/service-kit';
import { installErrorHandling } from '../src/adapters/http/errors.ts';
import { registerWebApp, type WebAppRuntimeConfig } from '../src/adapters/http/web-app.ts';

const runtime: WebAppRuntimeConfig = { socket: { enabled: true, port: 43001, path: '/socket.io' } };

/** The gateway's serving of the chat page, on a stand-in build in a temporary folder. */
describe('chat page serving', () => {
  let dir: string;
  const apps: FastifyInstance[] = [];

  const appFor = async (distDir: string, warnings: string[] = []) => {
    const log = createLogger('web-app-test', 'silent');
    log.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof log.warn;
    const app = Fastify();
    installErrorHandling(app, log);
    registerWebApp(app, { runtime, log, distDir });
    await app.ready();
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    dir = await mkdtemp(`${tmpdir()}/web-app-`);
    await mkdir(`${dir}/dist/assets`, { recursive: true });
    await writeFile(`${dir}/dist/index.html`, '<!doctype html><div id="root"></div>');
    await writeFile(`${dir}/dist/assets/index-abc123.js`, 'console.log(1)');
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page, its hashed assets for good, and the page for every client route', async () => {
    const app = await appFor(`${dir}/dist`);
    for (const url of ['/apps/chat/', '/apps/chat', '/apps/chat/rooms/42']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject({ url: '/apps/chat/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers its runtime config, uncached', async () => {
    const res = await (await appFor(`${dir}/dist`)).inject({ url: '/apps/chat/config.json' });
    expect(res.json()).toEqual(runtime);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('gives contract 404s for missing files, other methods and paths outside the page', async () => {
    const app = await appFor(`${dir}/dist`);
    for (const [method, url] of [
      ['GET', '/apps/chat/assets/missing.js'],
      ['POST', '/apps/chat/rooms/42'],
      ['GET', '/apps/chat/../../package.json'],
      ['GET', '/apps/chatty'],
    ] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json(), `${method} ${url}`).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('without a build, warns at start-up and answers 404 saying how to build', async () => {
    const warnings: string[] = [];
    const app = await appFor(`${dir}/missing-dist`, warnings);
    expect(warnings).toEqual([expect.stringContaining('npm run build:web')]);
    for (const url of ['/apps/chat/', '/apps/chat/rooms/42']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'the chat page is not built; run `npm run build:web`' },
      });
    }
    expect((await app.inject({ url: '/apps/chat/config.json' })).statusCode).toBe(200);
  });
});
