/**
 * `npm run docs`: renders the reference of both specs into apps/docs/dist as static HTML, offline, at build time.
 * Redoc (OpenAPI) and @asyncapi/react-component (AsyncAPI) are React components; rendered in the browser they
 * need inline styles (Redoc's styled-components) and eval (the AsyncAPI parser's ajv), which the gateway's
 * Content-Security-Policy forbids. Rendered here instead, each page is plain HTML plus a stylesheet file and no
 * script: Redoc's collected styles go to `openapi.css`, and its few inline `style` attributes become rules there.
 * The raw asyncapi.yaml and openapi.yaml are copied beside them. The gateway serves the folder at /docs/.
 */
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { ServerStyleSheet } from 'styled-components';
import { bundle, createConfig } from '@redocly/openapi-core';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { AsyncApiComponentWP } from '@asyncapi/react-component';

const require = createRequire(import.meta.url);
// Redoc's package is a CommonJS bundle whose exports Node cannot list for an ESM import.
const { createStore, Redoc } = require('redoc') as typeof import('redoc');

const rootDir = fileURLToPath(new URL('../../../', import.meta.url));
const staticDir = fileURLToPath(new URL('../static/', import.meta.url));
const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

function page(options: { title: string; stylesheets: string[]; nav: string; body: string }): string {
  const links = ['docs.css', ...options.stylesheets]
    .map((href) => `<link rel="stylesheet" href="${href}">`)
    .join('\n    ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${options.title}</title>
    ${links}
  </head>
  <body>
    <nav class="bar">${options.nav}</nav>
    ${options.body}
  </body>
</html>
`;
}

/**
 * Moves every inline `style="…"` attribute into a stylesheet rule (`data-inline-style="n"`), as CSP allows no
 * inline style.
 */
function extractInlineStyles(html: string): { html: string; css: string } {
  const ids = new Map<string, number>();
  const rewritten = html.replace(/ style="([^"]*)"/g, (_, declarations: string) => {
    if (!ids.has(declarations)) ids.set(declarations, ids.size);
    return ` data-inline-style="${ids.get(declarations)}"`;
  });
  const css = [...ids]
    .map(([declarations, id]) => `[data-inline-style="${id}"]{${declarations.replaceAll('&quot;', '"')}}`)
    .join('\n');
  return { html: rewritten, css };
}

async function renderOpenApi(): Promise<void> {
  // openapi.yaml refers into asyncapi.yaml; Redoc gets one document with those schemas bundled in.
  const bundled = await bundle({ ref: join(rootDir, 'openapi.yaml'), config: await createConfig({}) });
  const store = await createStore(bundled.bundle.parsed as object, 'openapi.yaml', {
    disableSearch: true,
    hideDownloadButton: true,
  });
  const sheet = new ServerStyleSheet();
  try {
    const rendered = extractInlineStyles(renderToString(sheet.collectStyles(createElement(Redoc, { store }))));
    const collected = sheet.getStyleTags().replace(/<style[^>]*>|<\/style>/g, '');
    await writeFile(join(distDir, 'openapi.css'), `${collected}\n${rendered.css}\n`);
    const nav =
      '<a href="./">Contract reference</a> · REST API · raw <a href="openapi.yaml">openapi.yaml</a> · ' +
      '<a href="asyncapi.html">Events</a>';
    await writeFile(
      join(distDir, 'openapi.html'),
      page({ title: 'chat-realtime: REST API', stylesheets: ['openapi.css'], nav, body: rendered.html }),
    );
  } finally {
    sheet.seal();
  }
}

async function renderAsyncApi(): Promise<void> {
  const { document, diagnostics } = await new Parser().parse(await readFile(join(rootDir, 'asyncapi.yaml'), 'utf8'));
  const errors = diagnostics.filter(
    // The diagnostics carry spectral-core's own copy of @stoplight/types' DiagnosticSeverity (same values).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison -- two copies of one enum
    (d) => d.severity === DiagnosticSeverity.Error,
  );
  if (!document || errors.length > 0)
    throw new Error(`asyncapi.yaml is invalid: ${errors.map((e) => e.message).join('; ')}`);
  const config = { show: { sidebar: true, errors: false } };
  const body = renderToString(createElement(AsyncApiComponentWP, { schema: document, config }));
  const asyncApiDir = dirname(require.resolve('@asyncapi/react-component/package.json'));
  await copyFile(join(asyncApiDir, 'styles/default.min.css'), join(distDir, 'asyncapi.css'));
  const nav =
    '<a href="./">Contract reference</a> · Events · raw <a href="asyncapi.yaml">asyncapi.yaml</a> · ' +
    '<a href="openapi.html">REST API</a>';
  await writeFile(
    join(distDir, 'asyncapi.html'),
    page({ title: 'chat-realtime: events', stylesheets: ['asyncapi.css'], nav, body }),
  );
}

const started = performance.now();
await rm(distDir, { recursive: true, force: true });
await mkdir(distDir, { recursive: true });
for (const file of await readdir(staticDir)) await copyFile(join(staticDir, file), join(distDir, file));
for (const spec of ['asyncapi.yaml', 'openapi.yaml']) await copyFile(join(rootDir, spec), join(distDir, spec));
await renderOpenApi();
await renderAsyncApi();
console.log(`docs: wrote ${distDir} in ${Math.round(performance.now() - started)} ms`);
