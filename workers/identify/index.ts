import { decodeFrame, FaceChain } from '../../models/index.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { openQueue, registerHandlers, startConsumer } from '../../runtime/queues.js';
import { workerConnection } from '../../runtime/redis.js';
import { watchRedis } from '../../runtime/redis-health.js';
import type { RunningWorker, WorkerContext } from '../worker-context.js';
import { faceCropJpeg } from './face-crop.js';
import { processIdentify, type IdentifyDeps } from './process-identify.js';
import { WatchlistCache } from './watchlist-cache.js';

export { matchEventId, processIdentify, type IdentifyDeps, type IdentifyOutcome } from './process-identify.js';
export { WatchlistCache, WatchlistError } from './watchlist-cache.js';

export interface IdentifyWorkerOptions {
  /** A face chain already loaded in this process (replays share one); default: FaceChain.create(cfg). */
  faceChain?: FaceChain;
  /** Identify jobs processed at once by this process (default 2; replays use 1 for a deterministic order). */
  concurrency?: number;
}

/**
 * `watchpost worker identify`: face detection in the head region of each selected
 * track frame, descriptor, nearest watchlist identity for the camera, votes per
 * track in Redis, one match event per track on the alerts queue. Stateless apart
 * from the models and the watchlist snapshot, which reloads when the API publishes one.
 */
export async function startIdentifyWorker(
  ctx: WorkerContext,
  opts: IdentifyWorkerOptions = {},
): Promise<RunningWorker> {
  const { cfg, log } = ctx;
  const connection = watchRedis(workerConnection(ctx.redisUrl), log);
  const keys = redisKeys(cfg.redisPrefix, cfg.detect.partitions);
  const chain = opts.faceChain ?? (await FaceChain.create(cfg, log));
  const watchlist = new WatchlistCache(connection, cfg.redisPrefix, chain.embedderId, log);
  await watchlist.start();
  const alertsQueue = openQueue(QUEUE.alerts, { cfg, connection, log });
  const deps: IdentifyDeps = {
    cfg,
    log,
    redis: connection,
    keys,
    frames: new FrameStore(connection, {
      prefix: cfg.redisPrefix,
      partitions: cfg.detect.partitions,
      ttlSeconds: cfg.ingest.frameTtlSeconds,
    }),
    watchlist,
    decode: decodeFrame,
    describe: (img, region) => chain.describeAll(img, region),
    threshold: chain.matchThreshold,
    cropJpeg: faceCropJpeg,
    alertsQueue,
  };
  const processor = registerHandlers(QUEUE.identify, { [JOB.identify]: (data) => processIdentify(data, deps) });
  const worker = await startConsumer(
    QUEUE.identify,
    processor,
    { cfg, connection },
    { concurrency: opts.concurrency ?? 2, log },
  );
  log.info({ embedder: chain.embedderId, threshold: chain.matchThreshold }, 'identify worker started');
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        await worker.close();
        await watchlist.close();
        await alertsQueue.close();
        await connection.quit();
      })();
      return closing;
    },
  };
}
