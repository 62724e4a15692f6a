import pino, { type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import type { Config } from '../pipeline/config/index.js';

export type { Logger } from 'pino';

/** Hides user:password in any URL-like string (RTSP credentials must never reach a log). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/** Structured logs (JSON lines), or human-readable lines when writing to a terminal. */
export function createLogger(cfg: Pick<Config, 'log'>, name = 'watchpost'): Logger {
  const pretty = cfg.log.format === 'pretty' || (cfg.log.format === 'auto' && process.stdout.isTTY);
  const options = {
    name,
    level: cfg.log.level,
    redact: {
      paths: ['url', '*.url', 'rtspUrl', '*.rtspUrl', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  };
  if (!pretty) return pino(options);
  // Synchronous so that the last lines before an exit are not lost.
  return pino(
    options,
    prettyStream({ sync: true, colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }),
  );
}
