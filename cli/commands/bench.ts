import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('bench')
    .description('benchmarks: models, pipeline, api (same as npm run bench:<name>)')
    .argument('[suite]', 'models | pipeline | api', 'models')
    .option('--json', 'print one JSON object')
    .action(async () => {
      throw new Error('watchpost bench: not implemented yet');
    });
}
