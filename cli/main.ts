import { Command, CommanderError } from 'commander';
import { ConfigError } from '../runtime/config.js';
import { MissingToolError } from '../runtime/system-tools.js';
import { EXIT, UsageError } from './errors.js';
import { registerCommands } from './commands/index.js';

const program = new Command('watchpost')
  .description(
    'Intelligent CCTV for protecting high-risk victims of stalking and domestic violence:\n' +
      'camera streams -> person detection -> face identification against registered perpetrators -> alerts to officers on duty.',
  )
  .version('0.1.0')
  .option('-c, --config <file>', 'YAML configuration file (default: $WATCHPOST_CONFIG)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str) });

registerCommands(program);
// Every subcommand, at every depth, maps its own usage errors to exit code 2 as well.
const overrideAll = (cmd: Command): void => cmd.commands.forEach((c) => overrideAll(c.exitOverride()));
overrideAll(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version arrive here too, with exitCode 0.
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  if (err instanceof UsageError || err instanceof ConfigError) {
    process.stderr.write(`watchpost: ${err.message}\n`);
    process.exit(EXIT.usage);
  }
  if (err instanceof MissingToolError) {
    process.stderr.write(`watchpost: ${err.message}\n`);
    process.exit(EXIT.failure);
  }
  process.stderr.write(`watchpost: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(EXIT.failure);
}
