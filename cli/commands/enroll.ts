import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('enroll')
    .description('enrol a perpetrator from photos through the API')
    .argument('<name>', 'display name')
    .argument('<photo...>', 'photos, each with exactly one usable face')
    .option('--api <url>', 'API base URL', 'http://127.0.0.1:8080')
    .option('--key <key>', 'API key (default: $WATCHPOST_API_KEY)')
    .action(async () => {
      throw new Error('watchpost enroll: not implemented yet');
    });
}
