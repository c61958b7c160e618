/** Live conformance of traffic to the specs, for tests (Node only: it writes report files). */
export { ContractChecker, type PendingReply } from './contract-checker.ts';
export type { ConformanceSink, Spec, Violation } from './conformance-sink.ts';
export type { RestExchange } from './rest-conformance.ts';
export { checkerFromEnv } from './checker-from-env.ts';
export {
  clearConformanceFiles,
  fileSink,
  formatCoverage,
  formatViolation,
  readConformanceRun,
  type CoverageLine,
} from './conformance-files.ts';
