import type { Config } from '../pipeline/config/index.js';
import type { Logger } from '../runtime/logger.js';
import type { Shutdown } from '../runtime/shutdown.js';

/** What every worker role gets from `watchpost worker <role>` (and from `watchpost demo`). */
export interface WorkerContext {
  cfg: Config;
  log: Logger;
  /** Redis to use (REDIS_URL, or the private redis-server the caller started). */
  redisUrl: string;
  /** Ordered shutdown; a worker may register extra closers, but `close()` below is called for it. */
  shutdown: Shutdown;
}

/** A started worker. `close()` stops intake first, then drains in-flight jobs, then closes its connections. */
export interface RunningWorker {
  close(): Promise<void>;
}

/** Signature of startIngestWorker, startDetectWorker, startIdentifyWorker and startAlertsWorker. */
export type StartWorker = (ctx: WorkerContext) => Promise<RunningWorker>;
