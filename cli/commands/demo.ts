import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run everything on this machine: private Redis, SQLite, all workers, the API and a local RTSP camera replaying a fixture')
    .action(async () => {
      throw new Error('watchpost demo: not implemented yet');
    });
}
