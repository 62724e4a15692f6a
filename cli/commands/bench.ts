import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../runtime/errors.js';

/** Each suite is a script in bench/ (also `npm run bench:<suite>`). */
const SUITES = ['models', 'face-accuracy', 'ingest', 'pipeline', 'replay', 'api', 'faults', 'evidence'] as const;
const SCRIPT: Record<(typeof SUITES)[number], string> = {
  models: 'models.ts',
  'face-accuracy': 'face-accuracy.ts',
  ingest: 'ingest.ts',
  pipeline: 'pipeline.ts',
  replay: 'replay-fixtures.ts',
  api: 'api.ts',
  faults: 'faults.ts',
  evidence: 'evidence.ts',
};

export function register(program: Command): void {
  program
    .command('bench')
    .description(
      'benchmarks (medians, ratios against a baseline measured in the same run); same as npm run bench:<suite>',
    )
    .argument('[suite]', SUITES.join(' | '), 'models')
    .argument('[args...]', "passed to the benchmark, e.g. --json (put '--' before them)")
    .action(async (suite: string, args: string[]) => {
      if (!(SUITES as readonly string[]).includes(suite))
        throw new UsageError(`unknown benchmark '${suite}': expected one of ${SUITES.join(', ')}`);
      const script = fileURLToPath(new URL(`../../bench/${SCRIPT[suite as keyof typeof SCRIPT]}`, import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
      const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
      if (code !== 0) process.exitCode = code;
    });
}
