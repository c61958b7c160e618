/**
 * `npm run test:contract`'s last step: prints, per spec, how many operations and messages the suites just run
 * exercised out of how many the spec has, and which they did not; exits 1 on any recorded violation.
 */
import { finishContractRun } from './contract-run.ts';

try {
  await finishContractRun(true);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
