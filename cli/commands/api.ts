import { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('api')
    .description('serve the alert API and the operator dashboard; consumes the alerts queue')
    .option('-p, --port <n>', 'TCP port (default: config api.port, 8080)')
    .option('--host <addr>', 'listen address (default: config api.host, 127.0.0.1)')
    .action(async () => {
      throw new Error('watchpost api: not implemented yet');
    });
}
