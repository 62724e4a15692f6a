import { CommanderError } from 'commander';
import { ConfigError } from '../runtime/config.js';
import { MissingToolError } from '../runtime/system-tools.js';
import { UsageError } from '../runtime/errors.js';
import { EXIT } from './errors.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
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
