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
    poolOptions: {
      forks: { maxForks: 2, minForks: 1 },
      // Only the unit project runs in threads. Its pure tests share each worker's module cache: a fresh
      // process per file spent four times the tests' own run time loading the same modules again. None
      // of them mocks a module or needs a clean global state. (Vitest reads this from the root config.)
      threads: { maxThreads: 2, minThreads: 1, isolate: false },
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...shared, '**/*.int.test.ts', 'test/e2e/**'],
          // Threads that keep their module cache from file to file (see poolOptions.threads above).
          pool: 'threads',
          // A group of its own, before integration's: two pools side by side would run four workers on two cores.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          sequence: { groupOrder: 1 },
          exclude: [...shared, 'test/e2e/**'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 2 },
          exclude: shared,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
