import { defineConfig } from 'vitest/config';

// The end-to-end runs: real app processes built by `pnpm build`, one file at a time (they load the machine).
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.test-results/chaos.json' }]],
  },
});
