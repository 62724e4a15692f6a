import type { Command } from 'commander';
import { resolveRedis } from '../../runtime/redis.js';
import { Shutdown } from '../../runtime/shutdown.js';
import { cliContext } from '../context.js';
import { UsageError } from '../../runtime/errors.js';

export function register(program: Command): void {
  program
    .command('api')
    .description('serve the alert API and the operator dashboard; consumes the alerts queue')
    .option('-p, --port <n>', 'TCP port (default: config api.port, 8080)')
    .option('--host <addr>', 'listen address (default: config api.host, 127.0.0.1)')
    .option('--no-alerts-worker', 'do not consume the alerts queue here (run `watchpost worker alerts` instead)')
    .action(async (opts: { port?: string; host?: string; alertsWorker: boolean }, cmd: Command) => {
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
        throw new UsageError(`--port must be 0-65535, got '${opts.port}'`);
      const { cfg, log } = cliContext(cmd, 'api');
      const redis = await resolveRedis(cfg, log);
      const { serveApi } = await import('../../api/startup.js');
      // Stop taking requests first, then the worker and the database, then our private Redis.
      const shutdown = new Shutdown(log).onSignals();
      const alertsWorker = opts.alertsWorker
        ? (await import('../../workers/alerts/index.js')).hostedAlertsWorker({
            cfg,
            log,
            redisUrl: redis.url,
            shutdown,
          })
        : undefined;
      // Listens at once; a missing database or Redis is logged and shown by /readyz until it answers.
      const api = await serveApi({
        cfg,
        log,
        redisUrl: redis.url,
        alertsWorker,
        port: port ?? cfg.api.port,
        host: opts.host ?? cfg.api.host,
      });
      shutdown.add('api', () => api.close());
      if (redis.embedded) shutdown.add('redis-server', () => redis.embedded!.stop());
      log.info({ listen: api.url, alertsWorker: opts.alertsWorker }, `watchpost API listening on ${api.url}`);
    });
}
