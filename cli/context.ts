import type { Command } from 'commander';
import type { Config } from '../pipeline/config/index.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger, type Logger } from '../runtime/logger.js';

export interface CliContext {
  cfg: Config;
  log: Logger;
}

/** Config (from the global --config option, env and `overrides`) and a logger, for one command run. */
export function cliContext(cmd: Command, name: string, overrides: Record<string, unknown> = {}): CliContext {
  const globals = cmd.optsWithGlobals<{ config?: string }>();
  const cfg = loadConfig({ file: globals.config, overrides });
  return { cfg, log: createLogger(cfg, name) };
}
