import type { ConformanceSink, Violation } from './conformance-sink.ts';
import { ContractChecker } from './contract-checker.ts';
import { fileSink } from './conformance-files.ts';

/** The modes of `CONTRACT_CHECK`: `strict` checks live traffic against the specs (the test suites set it). */
const modes = ['off', 'strict'] as const;

/**
 * The checker `CONTRACT_CHECK` asks for, or undefined when it is off (the default). Violations go to
 * `onViolation` and, when `CONTRACT_REPORT_DIR` is set, with the exercised units to files there.
 * Throws on a mode it does not know, so a typo cannot switch the check off unseen.
 */
export function checkerFromEnv(
  env: NodeJS.ProcessEnv,
  onViolation: (violation: Violation) => void,
): ContractChecker | undefined {
  const mode = env['CONTRACT_CHECK'] || 'off';
  if (!(modes as readonly string[]).includes(mode))
    throw new Error(`CONTRACT_CHECK must be one of ${modes.join(', ')}, not '${mode}'`);
  if (mode === 'off') return undefined;
  const dir = env['CONTRACT_REPORT_DIR'];
  const sink: ConformanceSink = dir ? fileSink(dir, onViolation) : { violation: onViolation, exercised() {} };
  return new ContractChecker(sink);
}
