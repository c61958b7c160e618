import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { parse, stringify } from 'yaml';
import { findBreakingChanges, type SpecVerdict } from '../../scripts/breaking-changes.ts';

type JsonObject = Record<string, unknown>;
/** Both specs, parsed, for a case to edit. */
export type Specs = { asyncapi: JsonObject; openapi: JsonObject };
export type Edit = (specs: Specs) => void;

/** The node under `keys` in a parsed spec; a missing key throws, so a case gone stale fails instead of passing. */
function nodeAt(doc: JsonObject, keys: string[]): unknown {
  let node: unknown = doc;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || !(key in node))
      throw new Error(`no '${keys.join('/')}' in the spec`);
    node = (node as JsonObject)[key];
  }
  return node;
}

/** The object under `keys` in a parsed spec. */
export function objectAt(doc: JsonObject, ...keys: string[]): JsonObject {
  const node = nodeAt(doc, keys);
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw new Error(`'${keys.join('/')}' is no object`);
  return node as JsonObject;
}

/** The list under `keys` in a parsed spec. */
export function listAt(doc: JsonObject, ...keys: string[]): unknown[] {
  const node = nodeAt(doc, keys);
  if (!Array.isArray(node)) throw new Error(`'${keys.join('/')}' is no list`);
  return node;
}

const rootDir = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Copies the real specs into a temporary dir before the file's tests (building oasdiff with scripts/oasdiff.sh when
 * absent, hence the long hook) and removes it after them; returns `verdictsAfter`.
 */
export function specEditCases(): (edit: Edit) => Promise<Record<'openapi' | 'asyncapi', SpecVerdict>> {
  let workDir: string;
  let caseNumber = 0;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'breaking-spec-'));
    await cp(join(rootDir, 'asyncapi.yaml'), join(workDir, 'asyncapi.yaml'));
    await cp(join(rootDir, 'openapi.yaml'), join(workDir, 'openapi.yaml'));
    await promisify(execFile)('bash', [join(rootDir, 'scripts/oasdiff.sh'), '--path']);
  }, 300_000);

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** The verdicts for the specs as they are (base) against a copy with `edit` applied (head). */
  return async (edit) => {
    const headDir = join(workDir, `case-${++caseNumber}`);
    await mkdir(headDir);
    const specs: Specs = {
      asyncapi: parse(await readFile(join(workDir, 'asyncapi.yaml'), 'utf8')) as JsonObject,
      openapi: parse(await readFile(join(workDir, 'openapi.yaml'), 'utf8')) as JsonObject,
    };
    edit(specs);
    await writeFile(join(headDir, 'asyncapi.yaml'), stringify(specs.asyncapi));
    await writeFile(join(headDir, 'openapi.yaml'), stringify(specs.openapi));
    const [openapi, asyncapi] = await findBreakingChanges(workDir, headDir);
    return { openapi: openapi!, asyncapi: asyncapi! };
  };
}

/** An AsyncAPI component schema, by name. */
export const schema = (specs: Specs, name: string) => objectAt(specs.asyncapi, 'components', 'schemas', name);
/** An OpenAPI component schema, by name. */
export const restSchema = (specs: Specs, name: string) => objectAt(specs.openapi, 'components', 'schemas', name);
