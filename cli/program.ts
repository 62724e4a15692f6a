import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

/** The whole `watchpost` command tree, without running it (tests inspect it too). */
export function buildProgram(): Command {
  const program = new Command('watchpost')
    .description(
      'Intelligent CCTV for protecting high-risk victims of stalking and domestic violence:\n' +
        'camera streams -> person detection -> face identification against registered perpetrators -> alerts to officers on duty.',
    )
    .version('0.1.0')
    .option('-c, --config <file>', 'YAML configuration file (default: $WATCHPOST_CONFIG)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  registerCommands(program);
  // Every command, at every depth, reports usage errors by throwing (main maps them to exit code 2).
  const overrideAll = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(overrideAll);
  };
  overrideAll(program);
  return program;
}
