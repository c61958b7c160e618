import { CHAOS_OWNER_ENV, chaosOwner, sweepChaosLeftovers, sweepOwnChaosLeftoversSync } from '../containers/cleanup.ts';
import { clearScenarioSummaries, collectScenarioSummaries, formatSummaryTable } from './summary.ts';

/**
 * The chaos suite's setup and teardown (vitest.chaos.config.ts): removes containers of earlier runs whose runner
 * is gone (a sibling run that is still going keeps its own), makes this process the owner of every container the
 * test workers start, and at the end prints the summary table, writes test-results/chaos.json and removes
 * whatever of this run a crashed test file left running.
 */
export default async function setup() {
  const docker = process.env['CHAOS_STACK'] !== 'processes';
  // Set before the workers start: they inherit it and label their containers with this runner.
  process.env[CHAOS_OWNER_ENV] = chaosOwner();
  if (docker) await sweepChaosLeftovers({ mine: false });
  await clearScenarioSummaries();
  // Ctrl-C: vitest exits at once, so the sweep runs synchronously on the way out (its workers die with it).
  if (docker) process.once('exit', sweepOwnChaosLeftoversSync);
  return async () => {
    const rows = await collectScenarioSummaries();
    if (rows.length > 0) console.log(`\nchaos summary (test-results/chaos.json)\n${formatSummaryTable(rows)}\n`);
    if (docker) await sweepChaosLeftovers({ mine: true });
  };
}
