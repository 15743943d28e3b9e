import { defineConfig } from 'vitest/config';

// One run, every layer: unit, integration (real local services), infra (CDK + cdk-nag), e2e.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    restoreMocks: true,
  },
});
