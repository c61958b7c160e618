/**
 * CI gate for the contracts: both specs must be valid, and the committed generated code must be exactly
 * what `npm run generate` produces from them now.
 */
import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { bundle, createConfig } from '@redocly/openapi-core';
import { generatedFiles, generatedDir, openApiPath } from './generated-files.ts';

// openapi.yaml references shared schemas in asyncapi.yaml; bundle them in before validating the document.
const bundled = await bundle({ ref: openApiPath, config: await createConfig({}) });
const openApi = await new Validator().validate(bundled.bundle.parsed as Parameters<Validator['validate']>[0]);
if (!openApi.valid) {
  console.error('openapi.yaml is invalid:', JSON.stringify(openApi.errors, null, 2));
  process.exit(1);
}
console.log('openapi.yaml: valid OpenAPI 3.1');

// generatedFiles() validates asyncapi.yaml with the AsyncAPI parser before generating.
const stale: string[] = [];
for (const [name, expected] of await generatedFiles()) {
  const committed = await readFile(`${generatedDir}/${name}`, 'utf8').catch(() => '');
  if (committed !== expected) stale.push(name);
}
console.log('asyncapi.yaml: valid AsyncAPI 3.0');
if (stale.length > 0) {
  console.error(`generated code is stale (${stale.join(', ')}): run \`npm run generate\` and commit the result`);
  process.exit(1);
}
console.log('packages/contracts/src/generated: up to date');
