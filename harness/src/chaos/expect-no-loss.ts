import { expect } from 'vitest';
import type { ScenarioResult } from './scenario-options.ts';

/** The chaos clients are load generators, not people: the per-user send limit is lifted for them. */
export const unlimitedSends = { RATE_LIMIT_MESSAGES_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000' } as const;

/**
 * The invariants every scenario holds: no violation (quoting `logs()` of the service most likely at fault when
 * there is one), and nothing lost, duplicated or reordered.
 */
export async function expectNoLoss(result: ScenarioResult, logs: () => Promise<string>): Promise<void> {
  const detail = result.violations.length > 0 ? `${result.violations.join('\n')}\n${await logs()}` : '';
  expect(result.violations, detail).toEqual([]);
  expect(result.summary).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
}
