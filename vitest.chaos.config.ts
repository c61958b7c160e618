import { defineConfig } from 'vitest/config';

/**
 * The chaos suite (`npm run test:chaos`): scenarios against the system in containers (Testcontainers, images
 * from `npm run images`), faults while clients send, invariants checked per client. Prints a summary table and
 * writes test-results/chaos.json. CHAOS_STACK=processes runs the scenarios that need no container-only fault
 * on the process harness instead.
 */
export default defineConfig({
  test: {
    include: ['harness/chaos/**/*.chaos.spec.ts'],
    globalSetup: ['harness/src/chaos/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // One stack at a time: two cores, and faults must not be slowed by another scenario.
    fileParallelism: false,
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1' },
    reporters: process.env['CI']
      ? ['default', ['json', { outputFile: 'test-results/vitest-chaos.json' }]]
      : ['default'],
  },
});
