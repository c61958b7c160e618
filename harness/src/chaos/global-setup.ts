import { sweepChaosLeftovers, sweepChaosLeftoversSync } from '../containers/cleanup.ts';
import { clearScenarioSummaries, collectScenarioSummaries, formatSummaryTable } from './summary.ts';

/**
 * The chaos suite's setup and teardown (vitest.chaos.config.ts): removes containers an interrupted earlier
 * run left behind, and at the end prints the summary table, writes test-results/chaos.json and removes
 * whatever a crashed test file left running.
 */
export default async function setup() {
  const docker = process.env['CHAOS_STACK'] !== 'processes';
  if (docker) await sweepChaosLeftovers();
  await clearScenarioSummaries();
  // Ctrl-C: vitest exits at once, so the sweep runs synchronously on the way out (its workers die with it).
  if (docker) process.once('exit', sweepChaosLeftoversSync);
  return async () => {
    const rows = await collectScenarioSummaries();
    if (rows.length > 0) console.log(`\nchaos summary (test-results/chaos.json)\n${formatSummaryTable(rows)}\n`);
    if (docker) await sweepChaosLeftovers();
  };
}
