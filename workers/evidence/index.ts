import { FaceDetector, PersonDetector } from '../../models/index.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { openQueue, registerHandlers, startConsumer } from '../../runtime/queues.js';
import { workerConnection } from '../../runtime/redis.js';
import { SegmentStore } from '../../runtime/segment-store.js';
import type { RunningWorker, WorkerContext } from '../worker-context.js';
import { type ClipDeps, processClip } from './process-clip.js';

/** Clip jobs at once: most of a job's life is waiting for the post-sighting seconds to be recorded. */
const CONCURRENCY = 4;

/**
 * `watchpost worker evidence`: cuts each match and SOS alert's event clip from the camera's video
 * buffer, and makes copies with bystanders pixelated by the pipeline's person and face detectors
 * (`evidence.redact`). The files go back to the alerts side through Redis, which keeps them.
 */
export async function startEvidenceWorker(ctx: WorkerContext): Promise<RunningWorker> {
  const { cfg, log } = ctx;
  const connection = workerConnection(ctx.redisUrl);
  const models = cfg.evidence.redact
    ? { persons: await PersonDetector.create(cfg, log), faces: await FaceDetector.create(cfg, log) }
    : null;
  const alertsQueue = openQueue(QUEUE.alerts, { cfg, connection });
  const deps: ClipDeps = {
    cfg,
    log,
    redis: connection,
    keys: redisKeys(cfg.redisPrefix, cfg.detect.partitions),
    segments: new SegmentStore(connection, { prefix: cfg.redisPrefix, partitions: cfg.detect.partitions }),
    frames: new FrameStore(connection, {
      prefix: cfg.redisPrefix,
      partitions: cfg.detect.partitions,
      ttlSeconds: cfg.ingest.frameTtlSeconds,
    }),
    models,
    alertsQueue,
  };
  const processor = registerHandlers(QUEUE.evidence, { [JOB.clip]: (data) => processClip(data, deps) });
  const worker = await startConsumer(QUEUE.evidence, processor, { cfg, connection }, { concurrency: CONCURRENCY, log });
  log.info({ redaction: !!models }, 'evidence worker started');
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        await worker.close();
        await alertsQueue.close();
        await connection.quit().catch(() => connection.disconnect());
      })();
      return closing;
    },
  };
}
