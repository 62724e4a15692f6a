import type { Worker } from 'bullmq';
import type { Config } from '../../pipeline/config/index.js';
import { FrameDecoder, PersonDetector } from '../../models/index.js';
import { motionMask } from '../../pipeline/motion-gate.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { watchQueueDepths } from '../../runtime/metrics.js';
import { openQueue, registerHandlers, startConsumer } from '../../runtime/queues.js';
import { workerConnection } from '../../runtime/redis.js';
import { watchRedis } from '../../runtime/redis-health.js';
import type { RunningWorker, WorkerContext } from '../worker-context.js';
import { DetectStateStore } from './detect-state.js';
import { processFrame, trackerLowScore, type DetectDeps } from './process-frame.js';

export { finishCamera, processFrame, trackerLowScore, type DetectDeps, type FrameOutcome } from './process-frame.js';
export { DetectStateStore, type DetectCounters } from './detect-state.js';

/** The detect stage's use of a loaded detector: its regions, merged, down to the tracker's low score. */
export function detectWith(
  detector: PersonDetector,
  cfg: Config,
): Required<Pick<DetectDeps, 'detectPersons' | 'detectorInput'>> {
  const minScore = trackerLowScore(cfg);
  return {
    detectPersons: (img, plan) => detector.detectRegions(img, plan?.regions, { minScore, tracks: plan?.tracks }),
    detectorInput: detector.input,
  };
}

export interface DetectWorkerOptions {
  /** A detector already loaded in this process (replays share one); default: PersonDetector.create(cfg). */
  detectPersons?: DetectDeps['detectPersons'];
  detectorInput?: DetectDeps['detectorInput'];
}

/**
 * `watchpost worker detect`: consumes every detect partition (each in frame order,
 * one job at a time across all workers), runs motion gating, person detection,
 * tracking and frame selection, and enqueues identify jobs. Run as many as you like:
 * the per-camera state lives in Redis.
 */
export async function startDetectWorker(ctx: WorkerContext, opts: DetectWorkerOptions = {}): Promise<RunningWorker> {
  const { cfg, log } = ctx;
  const connection = watchRedis(workerConnection(ctx.redisUrl), log);
  const keys = redisKeys(cfg.redisPrefix, cfg.detect.partitions);
  const { detectPersons, detectorInput } = opts.detectPersons
    ? { detectPersons: opts.detectPersons, detectorInput: opts.detectorInput }
    : detectWith(await PersonDetector.create(cfg, log), cfg);
  const identifyQueue = openQueue(QUEUE.identify, { cfg, connection, log });
  const unwatch = watchQueueDepths([identifyQueue.queue]);
  const frames = new FrameDecoder(cfg.detect.partitions);
  const deps: DetectDeps = {
    cfg,
    redis: connection,
    keys,
    states: new DetectStateStore(connection, keys),
    decode: (jpeg) => frames.decode(jpeg),
    release: (img) => frames.release(img),
    detectPersons,
    ...(detectorInput ? { detectorInput } : {}),
    identifyQueue,
    mask: motionMask(cfg.detect.motionMasks),
  };
  const processor = registerHandlers(QUEUE.detect, { [JOB.frame]: (data) => processFrame(data, deps) });
  const workers: Worker[] = [];
  for (let p = 0; p < cfg.detect.partitions; p++) {
    workers.push(
      await startConsumer(
        QUEUE.detect,
        processor,
        { cfg, connection },
        { partition: p, log, recovery: { lockMs: cfg.detect.lockSeconds * 1000 } },
      ),
    );
  }
  log.info({ partitions: cfg.detect.partitions }, 'detect worker started');
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        unwatch();
        await identifyQueue.close();
        await connection.quit();
      })();
      return closing;
    },
  };
}
