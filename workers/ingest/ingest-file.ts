import type { Redis } from 'ioredis';
import type { Config } from '../../pipeline/config/index.js';
import type { FrameJob } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import {
  startFfmpegFrames,
  type FfmpegFrameOptions,
  type FfmpegFrameSource,
} from '../../runtime/ffmpeg/ffmpeg-frames.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { metrics } from '../../runtime/metrics.js';
import { openDetectQueues } from '../../runtime/queues.js';
import { workerConnection } from '../../runtime/redis.js';
import { requireFfmpeg } from '../../runtime/system-tools.js';
import { FramePublisher } from './frame-publisher.js';

export interface IngestFileOptions {
  cfg: Config;
  redisUrl: string;
  /** Video file (or any ffmpeg input URL). */
  path: string;
  /** Camera id the frames are attributed to (their detect partition follows from it). */
  cameraId: string;
  replayId: string;
  /** Frames per second sampled; default cfg.ingest.fps. */
  fps?: number;
  /** ts of frame 0, ms since epoch (frame n: startTs + its media time); default now. */
  startTs?: number;
  /** Called after each frame is queued. */
  onFrame?: (job: FrameJob) => void;
  /** Stops reading: the result says where. */
  signal?: AbortSignal;
  /** Most frames of this replay on the detect queue at once; default cfg.ingest.maxInFlightPerCamera. */
  maxInFlight?: number;
  /** Frame source; ffmpeg unless a test supplies another. */
  openSource?: (o: FfmpegFrameOptions) => FfmpegFrameSource;
}

export interface IngestFileResult {
  /** Frames queued (seq 0 .. frames-1). */
  frames: number;
  /** Invalid JPEGs skipped. */
  corrupt: number;
  /** Media time covered, seconds. */
  durationSec: number;
  /** Set when the file could not be read to its end (ffmpeg failed, or aborted). */
  stoppedEarly?: { atSec: number; reason: string };
}

/**
 * Pushes a video file through the pipeline in lossless mode, for replays: every
 * sampled frame is stored and queued on the camera's detect partition, in order,
 * and none is dropped: when `maxInFlight` frames wait, ffmpeg is not read (and so
 * pauses) until detection catches up. Resolves once every frame is queued, not
 * processed.
 */
export async function ingestFile(o: IngestFileOptions): Promise<IngestFileResult> {
  if (!o.openSource) requireFfmpeg();
  const fps = o.fps ?? o.cfg.ingest.fps;
  const startTs = o.startTs ?? Date.now();
  const redis: Redis = workerConnection(o.redisUrl);
  redis.on('error', () => undefined); // retried by ioredis; a lasting outage shows as a stalled replay
  const detect = openDetectQueues({ cfg: o.cfg, connection: redis });
  const store = new FrameStore(redis, {
    prefix: o.cfg.redisPrefix,
    partitions: o.cfg.detect.partitions,
    ttlSeconds: o.cfg.ingest.frameTtlSeconds,
  });
  // BLPOP blocks its connection: the wait for done frames gets one of its own.
  const waiter = redis.duplicate();
  waiter.on('error', () => undefined);
  const doneKey = redisKeys(o.cfg.redisPrefix, o.cfg.detect.partitions).framesDone(o.cameraId, o.replayId);
  await redis.del(doneKey); // a re-run of the same replay id starts from an empty list
  const publisher = new FramePublisher(o.cameraId, {
    store,
    queue: detect.forCamera(o.cameraId),
    maxInFlight: o.maxInFlight ?? o.cfg.ingest.maxInFlightPerCamera,
    mode: 'lossless',
    done: { connection: waiter, key: doneKey },
  });
  const source = (o.openSource ?? startFfmpegFrames)({
    url: o.path,
    fps,
    maxWidth: o.cfg.ingest.maxWidth,
    jpegQuality: o.cfg.ingest.jpegQuality,
    threads: o.cfg.ingest.ffmpegThreads,
  });
  const onAbort = () => void source.stop();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let frames = 0;
  let corrupt = 0;
  let lastPts = -1;
  let failure: string | null = null;
  try {
    for await (const ev of source.frames) {
      if (ev.type === 'corrupt') {
        corrupt++;
        metrics.framesCorrupt.inc({ camera: o.cameraId });
        continue;
      }
      const out = await publisher.publish(
        {
          jpeg: ev.jpeg,
          width: ev.width,
          height: ev.height,
          seq: frames,
          ts: Math.round(startTs + ev.ptsSec * 1000),
          replayId: o.replayId,
        },
        o.signal,
      );
      frames++;
      lastPts = ev.ptsSec;
      metrics.framesCaptured.inc({ camera: o.cameraId });
      o.onFrame?.(out.job!);
    }
  } catch (err) {
    failure = o.signal?.aborted ? 'aborted' : `reading frames failed: ${(err as Error).message}`;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    const exit = await source.stop();
    if (!failure && o.signal?.aborted) failure = 'aborted';
    if (!failure && exit.code !== 0)
      failure = `ffmpeg exited with ${exit.signal ?? `code ${exit.code}`}: ${exit.stderr.split('\n').slice(-3).join(' | ')}`;
    await detect.close();
    await redis.quit().catch(() => redis.disconnect());
    waiter.disconnect();
  }
  const durationSec = lastPts < 0 ? 0 : Math.round((lastPts + 1 / fps) * 1000) / 1000;
  return {
    frames,
    corrupt,
    durationSec,
    ...(failure ? { stoppedEarly: { atSec: durationSec, reason: failure } } : {}),
  };
}
