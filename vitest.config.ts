import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (*.test.ts: pure logic, no services, run first and fast) and
 * `integration` (*.int.test.ts: real Redis, ffmpeg, onnxruntime, databases, Chromium);
 * `e2e` (test/e2e: whole pipelines of processes) runs on its own after them, so its
 * timing-sensitive processes do not share the two cores with the other suites.
 */
const shared = ['node_modules/**', 'dist/**', 'api/web/node_modules/**'];

export default defineConfig({
  test: {
    // Native addons (onnxruntime, sharp, better-sqlite3) are safest in child processes.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...shared, '**/*.int.test.ts', 'test/e2e/**'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: [...shared, 'test/e2e/**'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: shared,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
