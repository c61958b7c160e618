import { ContainerStack, type ContainerStackOptions } from '../containers/container-stack.ts';
import { processScenarioStack } from './process-scenario-stack.ts';
import type { ScenarioStack } from './scenario-stack.ts';

/** Where the chaos suite runs: containers (the default) or, with CHAOS_STACK=processes, the process harness. */
export const chaosOnProcesses = process.env['CHAOS_STACK'] === 'processes';

/** A stack for a scenario that needs only the `ScenarioStack` faults, on whichever runner CHAOS_STACK picks. */
export function startScenarioStack(
  options: Pick<ContainerStackOptions, 'gateways' | 'env'> = {},
): Promise<ScenarioStack> {
  return chaosOnProcesses ? processScenarioStack(options) : ContainerStack.start(options);
}
