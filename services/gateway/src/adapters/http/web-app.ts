import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { components } from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';

type ErrorResponse = components['schemas']['ErrorResponse'];

/** Where the chat page is served; not an API route, so it is not in openapi.yaml. */
export const webAppPrefix = '/apps/chat';

/** The built page (`npm run build:web` writes it). */
export const webAppDistDir = fileURLToPath(new URL('../../../../../apps/chat/dist/', import.meta.url));

/**
 * What the page needs to know at run time and cannot know at build time: where this gateway's Socket.IO
 * server is. The page joins `port` with its own hostname, so one build works on any ports.
 */
export interface WebAppRuntimeConfig {
  socket: { enabled: boolean; port: number | null; path: string };
}

/**
 * Serves the chat page at `/apps/chat/`: hashed assets cached for good, `index.html` revalidated and used
 * for every client route, `/apps/chat/config.json` with the runtime config. Without a build, every page
 * URL answers 404 in the contract's error shape and start-up logs how to build it.
 */
export function registerWebApp(
  app: FastifyInstance,
  options: { runtime: WebAppRuntimeConfig; log: Logger; distDir?: string },
): void {
  const distDir = options.distDir ?? webAppDistDir;
  const built = existsSync(`${distDir}/index.html`);
  if (!built) {
    options.log.warn(
      { distDir },
      `chat page not built: run \`npm run build:web\` and restart the gateway to serve ${webAppPrefix}/`,
    );
  }
  void app.register(
    async (scope) => {
      scope.get('/config.json', async (_req, reply) => {
        return reply.header('cache-control', 'no-store').send(options.runtime satisfies WebAppRuntimeConfig);
      });
      if (!built) {
        const notBuilt = (_req: unknown, reply: FastifyReply) =>
          reply.status(404).send(notFound('the chat page is not built; run `npm run build:web`'));
        scope.get('/', notBuilt);
        scope.get('/*', notBuilt);
        return;
      }
      scope.setNotFoundHandler((req, reply) => {
        const path = req.url.split('?')[0] ?? '';
        const read = req.method === 'GET' || req.method === 'HEAD';
        // A client route (no file extension) gets the page; a missing asset stays a 404.
        if (read && !/\.[a-z0-9]+$/i.test(path)) {
          return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
        }
        return reply.status(404).send(notFound(read ? `no file ${path}` : `no route ${req.method} ${path}`));
      });
      await scope.register(fastifyStatic, {
        root: distDir,
        prefix: '/',
        redirect: true,
        // Vite puts a content hash in every asset name, so assets never change; index.html always may.
        cacheControl: false,
        setHeaders: (reply, filePath) => {
          void reply.header('x-content-type-options', 'nosniff');
          void reply.header(
            'cache-control',
            filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    },
    { prefix: webAppPrefix },
  );
}

function notFound(message: string): ErrorResponse {
  return { error: { code: 'NOT_FOUND', message } };
}
