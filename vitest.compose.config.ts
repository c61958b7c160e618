import { defineConfig } from 'vitest/config';

/** The container suite: compose.yaml's stack from the locally built images (`npm run test:compose`). */
export default defineConfig({
  test: {
    include: ['harness/compose/**/*.compose.spec.ts'],
    testTimeout: 180_000,
    // Bringing the stack up (and down) includes health checks and migrations.
    hookTimeout: 900_000,
    fileParallelism: false,
    reporters: process.env['CI']
      ? ['default', ['json', { outputFile: 'test-results/vitest-compose.json' }]]
      : ['default'],
  },
});
