import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncApiConformance, openApiConformance } from '../generated/conformance.ts';
import type { ConformanceSink, Spec, Violation } from './conformance-sink.ts';

// Every process of a run (test workers and the services they start) appends to the same two files: lines
// written with O_APPEND and shorter than a pipe buffer do not interleave, so no process has to merge.
const violationsFile = 'violations.jsonl';
const exercisedFile = 'exercised.jsonl';

/**
 * A sink that appends violations and (once per process) each exercised unit to files in `dir`, and passes
 * each violation to `onViolation` (a log line). A process killed mid-run has lost nothing it already saw.
 */
export function fileSink(dir: string, onViolation: (violation: Violation) => void): ConformanceSink {
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  return {
    violation(violation) {
      onViolation(violation);
      appendFileSync(join(dir, violationsFile), `${JSON.stringify(violation)}\n`);
    },
    exercised(spec, kind, unit) {
      const line = JSON.stringify({ spec, kind, unit });
      if (seen.has(line)) return;
      seen.add(line);
      appendFileSync(join(dir, exercisedFile), `${line}\n`);
    },
  };
}

/** Empties `dir` before a run. */
export async function clearConformanceFiles(dir: string): Promise<void> {
  await rm(join(dir, violationsFile), { force: true });
  await rm(join(dir, exercisedFile), { force: true });
}

async function readLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return '';
    throw err;
  });
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Per spec and kind of unit, how many the run exercised out of how many the spec has, and which it missed. */
export interface CoverageLine {
  spec: Spec;
  kind: 'operation' | 'message';
  exercised: number;
  total: number;
  missing: string[];
}

/** What every process of a run recorded in `dir`. */
export async function readConformanceRun(dir: string): Promise<{ violations: Violation[]; coverage: CoverageLine[] }> {
  const violations = await readLines<Violation>(join(dir, violationsFile));
  const exercised = new Set(
    (await readLines<{ spec: Spec; kind: string; unit: string }>(join(dir, exercisedFile))).map(
      (e) => `${e.spec} ${e.kind} ${e.unit}`,
    ),
  );
  const line = (spec: Spec, kind: 'operation' | 'message', units: readonly string[]): CoverageLine => {
    const missing = units.filter((unit) => !exercised.has(`${spec} ${kind} ${unit}`));
    return { spec, kind, exercised: units.length - missing.length, total: units.length, missing };
  };
  return {
    violations,
    coverage: [
      line('asyncapi', 'operation', asyncApiConformance.operations),
      line('asyncapi', 'message', asyncApiConformance.messages),
      line('openapi', 'operation', openApiConformance.operations),
    ],
  };
}

/** Human-readable lines: `asyncapi.yaml operations: 50/56 exercised` and, if asked, `; not exercised: a, b`. */
export function formatCoverage(coverage: readonly CoverageLine[], listMissing: boolean): string[] {
  return coverage.map(({ spec, kind, exercised, total, missing }) => {
    const notExercised = listMissing && missing.length ? `; not exercised: ${missing.join(', ')}` : '';
    return `${spec}.yaml ${kind}s: ${exercised}/${total} exercised${notExercised}`;
  });
}

/** One line per violation, with where, the path and the schema error. */
export function formatViolation(violation: Violation): string {
  return `${violation.spec}.yaml: ${violation.where} at ${violation.path}: ${violation.message}`;
}
