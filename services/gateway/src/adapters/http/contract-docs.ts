import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { components } from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';

type ErrorResponse = components['schemas']['ErrorResponse'];

/** Where the rendered reference of both specs is served, with the raw specs beside it; not an API route. */
export const contractDocsPrefix = '/docs';

/** The rendered docs (`npm run docs` writes them). */
export const contractDocsDistDir = fileURLToPath(new URL('../../../../../apps/docs/dist/', import.meta.url));

/**
 * Serves the contract reference at `/docs/` (index, `openapi.html`, `asyncapi.html`) and the raw specs at
 * `/docs/openapi.yaml` and `/docs/asyncapi.yaml`, revalidated on every load (a new deployment may change them).
 * Without a build, every docs URL answers 404 in the contract's error shape and start-up logs how to build it.
 */
export function registerContractDocs(app: FastifyInstance, options: { log: Logger; distDir?: string }): void {
  const distDir = options.distDir ?? contractDocsDistDir;
  const built = existsSync(`${distDir}/index.html`);
  if (!built)
    options.log.warn(
      { distDir },
      `contract docs not built: run \`npm run docs\` and restart the gateway to serve ${contractDocsPrefix}/`,
    );
  // The pages link their neighbours relatively, so they must be read under `/docs/`.
  if (built) app.get(contractDocsPrefix, (_req, reply) => reply.redirect(`${contractDocsPrefix}/`, 301));
  void app.register(
    async (scope) => {
      if (!built) {
        const notBuilt = (_req: unknown, reply: FastifyReply) =>
          reply.status(404).send(notFound('the contract docs are not built; run `npm run docs`'));
        scope.get('/', notBuilt);
        scope.get('/*', notBuilt);
        return;
      }
      scope.setNotFoundHandler((req, reply) =>
        reply.status(404).send(notFound(`no file ${req.url.split('?')[0] ?? ''}`)),
      );
      await scope.register(fastifyStatic, {
        root: distDir,
        prefix: '/',
        redirect: true,
        cacheControl: false,
        setHeaders: (reply, filePath) => {
          void reply.header('cache-control', 'no-cache');
          if (filePath.endsWith('.yaml')) void reply.header('content-type', 'application/yaml; charset=utf-8');
        },
      });
    },
    { prefix: contractDocsPrefix },
  );
}

function notFound(message: string): ErrorResponse {
  return { error: { code: 'NOT_FOUND', message } };
}
