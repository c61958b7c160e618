import { defineConfig } from 'vitest/config';
import { contractCheckEnv } from './harness/src/conformance/contract-run.ts';

export default defineConfig({
  test: {
    include: ['{packages,services,harness,apps,dashboards}/**/*.{unit,int,e2e}.spec.ts'],
    // Type tests (*.test-d.ts: expectTypeOf, @ts-expect-error) pin the generated event maps and REST client.
    typecheck: {
      enabled: true,
      include: ['{packages,services,harness,apps}/**/*.test-d.ts'],
      tsconfig: 'tsconfig.json',
    },
    globalSetup: ['harness/src/vitest-global-setup.ts'],
    // Every frame, message and response the suites cause is checked against the specs (see the README's "Tests").
    env: contractCheckEnv,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: files that spawn whole stacks must not compete with each other for CPU.
    maxWorkers: 2,
    // CI reads the pass/fail counts from the JSON report (.ci/run prints them as its last line).
    reporters: [
      'default',
      './harness/src/vitest-exit-code-reporter.ts',
      ...(process.env['CI'] ? [['json', { outputFile: 'test-results/vitest.json' }] satisfies ['json', object]] : []),
    ],
  },
});
