import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  clearConformanceFiles,
  formatCoverage,
  formatViolation,
  readConformanceRun,
} from '@chatrt/contracts/conformance';

/** Where the test suites record contract violations and the spec units their traffic exercised. */
export const contractReportDir = resolve(fileURLToPath(new URL('../../../', import.meta.url)), 'test-results/contract');

/** The environment that turns the live contract check on, for the test workers and every service they start. */
export const contractCheckEnv = { CONTRACT_CHECK: 'strict', CONTRACT_REPORT_DIR: contractReportDir } as const;

/** Forgets what an earlier run recorded. */
export function startContractRun(): Promise<void> {
  return clearConformanceFiles(contractReportDir);
}

/**
 * Prints per spec how much the run exercised (`listMissing`: and what it did not); throws listing every
 * violation (with where, the path and the schema error), which fails the run.
 */
export async function finishContractRun(listMissing = false): Promise<void> {
  const { violations, coverage } = await readConformanceRun(contractReportDir);
  console.log(
    `\nLive contract check (${contractReportDir}):\n${formatCoverage(coverage, listMissing)
      .map((line) => `  ${line}`)
      .join('\n')}`,
  );
  if (violations.length > 0) {
    const distinct = [...new Set(violations.map(formatViolation))];
    const listing = distinct.map((line) => `  ${line}`).join('\n');
    throw new Error(`${violations.length} contract violations (${distinct.length} distinct):\n${listing}`);
  }
}
