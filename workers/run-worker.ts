import type { Config } from '../pipeline/config/index.js';
import { tuneHeapForFrames } from '../runtime/frame-heap.js';
import type { Logger } from '../runtime/logger.js';
import { startMetricsServer } from '../runtime/metrics.js';
import { resolveRedis } from '../runtime/redis.js';
import { Shutdown } from '../runtime/shutdown.js';
import { requireFfmpeg } from '../runtime/system-tools.js';
import type { WorkerRole } from './roles.js';
import type { StartWorker } from './worker-context.js';

/** Each role's start function, loaded on demand so a role only loads its own models and modules. */
const STARTERS: Record<WorkerRole, () => Promise<StartWorker>> = {
  ingest: async () => (await import('./ingest/index.js')).startIngestWorker,
  detect: async () => (await import('./detect/index.js')).startDetectWorker,
  identify: async () => (await import('./identify/index.js')).startIdentifyWorker,
  alerts: async () => (await import('./alerts/index.js')).startAlertsWorker,
  replay: async () => (await import('./replay/index.js')).startReplayWorker,
  evidence: async () => (await import('./evidence/index.js')).startEvidenceWorker,
  retention: async () => (await import('./retention/index.js')).startRetentionWorker,
};

/** Time allowed for a graceful stop (in-flight jobs drain) before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 25_000;

export interface RunWorkerOptions {
  cfg: Config;
  log: Logger;
  /** Serve Prometheus metrics on this port (0: a free one); none when undefined. */
  metricsPort?: number;
}

/**
 * `watchpost worker <role>`: starts one role and keeps it running. SIGTERM/SIGINT:
 * the worker stops taking work and drains what it holds, then the metrics server
 * and Redis (a private one, if REDIS_URL was not set) close; exit 0 within the deadline.
 */
export async function runWorker(role: WorkerRole, { cfg, log, metricsPort }: RunWorkerOptions): Promise<void> {
  if (role === 'ingest' || role === 'replay') requireFfmpeg();
  if (role !== 'alerts' && role !== 'retention') tuneHeapForFrames();
  const start = await STARTERS[role]();
  const shutdown = new Shutdown(log, SHUTDOWN_DEADLINE_MS);
  const redis = await resolveRedis(cfg, log);
  if (redis.embedded)
    log.warn(
      'this worker runs on a private Redis that no other process shares: set REDIS_URL to connect it to the pipeline',
    );
  shutdown.onSignals(0);
  try {
    const worker = await start({ cfg, log, redisUrl: redis.url, shutdown });
    shutdown.add(`${role} worker`, () => worker.close());
    if (metricsPort !== undefined) {
      const server = await startMetricsServer(metricsPort);
      shutdown.add('metrics server', () => server.close());
      log.info({ port: server.port }, 'metrics at /metrics');
    }
  } finally {
    if (redis.embedded) shutdown.add('private redis', () => redis.embedded!.stop());
  }
  log.info({ role }, 'worker running (SIGTERM or Ctrl-C stops it)');
}
