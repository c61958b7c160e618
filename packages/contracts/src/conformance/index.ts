/** Live conformance of traffic to the specs, for tests (Node only: it writes report files). */
export {
  ContractChecker,
  type ConformanceSink,
  type PendingReply,
  type RestExchange,
  type Spec,
  type Violation,
} from './contract-checker.ts';
export { checkerFromEnv } from './checker-from-env.ts';
export {
  clearConformanceFiles,
  fileSink,
  formatCoverage,
  formatViolation,
  readConformanceRun,
  type CoverageLine,
} from './conformance-files.ts';
