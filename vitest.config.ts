import { defineConfig } from 'vitest/config';

// One run, every layer: unit, integration (real local services), infra (CDK + cdk-nag), e2e.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder for the run, removed at its end (test/support/test-temp.ts).
    globalSetup: ['test/support/test-temp.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Both cores (vitest's default leaves one idle: one worker on a 2-core machine). The e2e files wait on
    // their platforms' processes much of the time: two at once took the suite from 727 s to 440 s here.
    maxWorkers: 2,
    restoreMocks: true,
    // Lambda runs Node 22; the suite also runs on Node 20, which the SDK would warn about at every import.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
