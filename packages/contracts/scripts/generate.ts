/**
 * Generates packages/contracts/src/generated/* from asyncapi.yaml and openapi.yaml.
 * The specs are the only source: models (Modelina), REST types (openapi-typescript), JSON Schemas for ajv,
 * Socket.IO event maps and NATS subjects all come from them. Run with `npm run generate`.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { generatedFiles, generatedDir } from './generated-files.ts';

await mkdir(generatedDir, { recursive: true });
for (const [name, content] of await generatedFiles()) {
  await writeFile(`${generatedDir}/${name}`, content);
  console.log(`generated ${name}`);
}
