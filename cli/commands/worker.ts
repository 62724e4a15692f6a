import type { Command } from 'commander';
import { UsageError } from '../../runtime/errors.js';
import { WORKER_ROLES, type WorkerRole } from '../../workers/roles.js';
import { cliContext } from '../context.js';

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--metrics-port must be a port number (0-65535), got '${raw}'`);
  return port;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run one pipeline worker role as its own process (scale out by running more)')
    .argument('<role>', `one of: ${WORKER_ROLES.join(', ')}`)
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://0.0.0.0:<port>/metrics (0: a free port)')
    .addHelpText(
      'after',
      [
        '',
        'Roles:',
        '  ingest    decode camera streams with ffmpeg, store frames, enqueue detection',
        '  detect    person detection, tracking and motion gating',
        '  identify  face detection, alignment, embedding and watchlist matching',
        '  alerts    turn match and camera events into alerts (needs the database)',
        "  replay    analysts' replays queued by the API, through the same ingest, detect and identify code",
        "  evidence  cut event clips from the cameras' video buffers, pixelate bystanders",
        '  retention delete what has outlived retention.* (alerts, evidence, replays, track logs, audit), hourly',
        '',
        'Environment: REDIS_URL (required for separate processes), DATABASE_URL, WATCHPOST_CONFIG.',
      ].join('\n'),
    )
    .action(async (role: string, _opts, cmd: Command) => {
      if (!(WORKER_ROLES as readonly string[]).includes(role)) {
        throw new UsageError(`unknown worker role '${role}': expected one of ${WORKER_ROLES.join(', ')}`);
      }
      const metricsPort = parsePort(cmd.opts<{ metricsPort?: string }>().metricsPort);
      const { cfg, log } = cliContext(cmd, `worker-${role}`);
      const { runWorker } = await import('../../workers/run-worker.js');
      await runWorker(role as WorkerRole, { cfg, log, metricsPort });
    });
}
