import { Command } from 'commander';

export function register(program: Command): void {
  const keys = program.command('keys').description('manage API keys (stored hashed in the database)');
  keys
    .command('create')
    .description('create an API key; prints the key on the last line (it cannot be shown again)')
    .requiredOption('--role <role>', 'admin | operator | officer | analyst')
    .requiredOption('--name <label>', 'who or what the key is for')
    .action(async () => {
      throw new Error('watchpost keys create: not implemented yet');
    });
}
