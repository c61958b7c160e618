/**
 * The breaking-change gate over both specs: OpenAPI through oasdiff, AsyncAPI through `compareAsyncApi`.
 * Each side is a folder holding `asyncapi.yaml` and `openapi.yaml` (openapi.yaml refers into asyncapi.yaml).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { bundle, createConfig } from '@redocly/openapi-core';
import { compareAsyncApi, majorVersion, type AsyncApiDocument } from './asyncapi-diff.ts';

const run = promisify(execFile);
const oasdiffScript = fileURLToPath(new URL('../../../scripts/oasdiff.sh', import.meta.url));
/** oasdiff calls removing an optional response field INFO; deployed clients may read it, so it is an error here. */
const severityLevels = fileURLToPath(new URL('../oasdiff-levels.txt', import.meta.url));

/** What the gate found in one spec. */
export interface SpecVerdict {
  spec: 'openapi.yaml' | 'asyncapi.yaml';
  /** One line per breaking change, each naming its route, operation or message path. */
  changes: string[];
  baseVersion: string;
  headVersion: string;
  /** The head bumped `info.version`'s major: breaking changes are allowed. */
  majorBumped: boolean;
}

/** Whether the verdict must fail the gate. */
export const isBlocking = (verdict: SpecVerdict): boolean => verdict.changes.length > 0 && !verdict.majorBumped;

type OasdiffChange = { id: string; text: string; level: number; operation?: string; path?: string };
const oasdiffLevels: Record<number, string> = { 1: 'info', 2: 'warning', 3: 'error' };

async function bundledOpenApi(dir: string): Promise<{ [key: string]: unknown; info: { version: string } }> {
  const bundled = await bundle({ ref: join(dir, 'openapi.yaml'), config: await createConfig({}) });
  return bundled.bundle.parsed as { info: { version: string } };
}

async function compareOpenApi(baseDir: string, headDir: string): Promise<SpecVerdict> {
  // oasdiff reads a cross-file ref as a whole OpenAPI document, so each side is bundled into one file first.
  const work = await mkdtemp(join(tmpdir(), 'contracts-breaking-'));
  try {
    const base = await bundledOpenApi(baseDir);
    const head = await bundledOpenApi(headDir);
    for (const [side, doc] of [
      ['base', base],
      ['head', head],
    ] as const) {
      await mkdir(join(work, side));
      await writeFile(join(work, side, 'openapi.yaml'), stringifyYaml(doc));
    }
    const args = [
      'breaking',
      'base/openapi.yaml',
      'head/openapi.yaml',
      '--format',
      'json',
      '--severity-levels',
      severityLevels,
    ];
    const { stdout } = await run('bash', [oasdiffScript, ...args], { cwd: work, maxBuffer: 64 * 1024 * 1024 });
    // `breaking` lists warnings and errors only. A warning is a change oasdiff cannot judge: blocked too.
    const changes = (JSON.parse(stdout || '[]') as OasdiffChange[]).map((c) => {
      const level = oasdiffLevels[c.level] ?? c.level;
      return `${c.operation ?? ''} ${c.path ?? ''}: ${c.text.replaceAll('`', "'")} [${level} ${c.id}]`.trim();
    });
    return verdict('openapi.yaml', base.info.version, head.info.version, changes);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function compareAsyncApiFiles(baseDir: string, headDir: string): Promise<SpecVerdict> {
  const load = async (dir: string) => parseYaml(await readFile(join(dir, 'asyncapi.yaml'), 'utf8')) as AsyncApiDocument;
  const base = await load(baseDir);
  const head = await load(headDir);
  const changes = compareAsyncApi(base, head).map((c) => `${c.path}: ${c.message}`);
  return verdict('asyncapi.yaml', base.info.version, head.info.version, changes);
}

function verdict(spec: SpecVerdict['spec'], baseVersion: string, headVersion: string, changes: string[]): SpecVerdict {
  return {
    spec,
    changes,
    baseVersion,
    headVersion,
    majorBumped: majorVersion(headVersion) > majorVersion(baseVersion),
  };
}

/** Compares both specs of `baseDir` (the old version) with those of `headDir` (the new one). */
export async function findBreakingChanges(baseDir: string, headDir: string): Promise<SpecVerdict[]> {
  return [await compareOpenApi(baseDir, headDir), await compareAsyncApiFiles(baseDir, headDir)];
}
