import { sweepChaosLeftovers } from '../containers/cleanup.ts';
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
  const sweepOnSignal = (signal: NodeJS.Signals) => {
    void sweepChaosLeftovers().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  if (docker) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, sweepOnSignal);
  return async () => {
    const rows = await collectScenarioSummaries();
    if (rows.length > 0) console.log(`\nchaos summary (test-results/chaos.json)\n${formatSummaryTable(rows)}\n`);
    if (docker) await sweepChaosLeftovers();
  };
}
