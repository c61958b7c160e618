import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChaosCounts } from './invariants.ts';

/** One row of the chaos summary (`test-results/chaos.json` holds an array of them). */
export interface ChaosSummary extends ChaosCounts {
  scenario: string;
  /**
   * From the fault's heal until every sender had an ok ack again and every dropped client had rejoined
   * (`recoverySeconds` in invariants.ts); -1 if never.
   */
  recoverySeconds: number;
}

const resultsDir = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const rowsDir = join(resultsDir, 'chaos');

/** Records one scenario's row; each test file runs in its own worker, so rows are files until the run ends. */
export async function writeScenarioSummary(row: ChaosSummary): Promise<void> {
  await mkdir(rowsDir, { recursive: true });
  await writeFile(join(rowsDir, `${row.scenario.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(row));
}

export async function clearScenarioSummaries(): Promise<void> {
  await rm(rowsDir, { recursive: true, force: true });
}

/** Gathers the rows into `test-results/chaos.json` and returns them. */
export async function collectScenarioSummaries(): Promise<ChaosSummary[]> {
  const files = await readdir(rowsDir).catch(() => [] as string[]);
  const rows: ChaosSummary[] = [];
  for (const file of files.sort()) rows.push(JSON.parse(await readFile(join(rowsDir, file), 'utf8')) as ChaosSummary);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, 'chaos.json'), `${JSON.stringify(rows, null, 2)}\n`);
  return rows;
}

/** The rows as a fixed-width table. */
export function formatSummaryTable(rows: readonly ChaosSummary[]): string {
  const columns = [
    'scenario',
    'clients',
    'sent',
    'acked',
    'delivered',
    'lost',
    'duplicated',
    'reordered',
    'recoverySeconds',
  ] as const;
  const cells = [columns.map(String), ...rows.map((row) => columns.map((c) => String(row[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]?.length ?? 0)));
  return cells
    .map((line) =>
      line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}
