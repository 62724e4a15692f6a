import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { enrolGalleryFolder, FaceChain, PersonDetector } from '../../models/index.js';
import type { Config } from '../../pipeline/config/index.js';
import type { MatchEvent } from '../../pipeline/events.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import type { ReplayProgress, ReplayResult } from '../../pipeline/replay.js';
import type { TrackLogRecord } from '../../pipeline/track-log.js';
import type { WatchlistIdentity } from '../../pipeline/watchlist.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../runtime/embedded-redis.js';
import { startFfmpegFrames, type FfmpegExit } from '../../runtime/ffmpeg/ffmpeg-frames.js';
import { FrameStore } from '../../runtime/frame-store.js';
import type { Logger } from '../../runtime/logger.js';
import { openDetectQueues, openQueue, registerHandlers, startConsumer } from '../../runtime/queues.js';
import { configuredRedis, deleteKeysWithPrefix, workerConnection } from '../../runtime/redis.js';
import { watchRedis } from '../../runtime/redis-health.js';
import { Shutdown } from '../../runtime/shutdown.js';
import { readTrackLog } from '../../runtime/track-log.js';
import { WatchlistChannel } from '../../runtime/watchlist-channel.js';
import { DetectStateStore, detectWith, finishCamera, startDetectWorker } from '../detect/index.js';
import { startIdentifyWorker } from '../identify/index.js';
import { ingestFile } from '../ingest/index.js';
import type { WorkerContext } from '../worker-context.js';
import { probeVideo } from '../../runtime/ffmpeg/probe-video.js';
import { personThumbnail } from './thumbnail.js';
import { buildTimeline } from './timeline.js';

export type { ReplayProgress, ReplayResult } from '../../pipeline/replay.js';

export interface ReplayModels {
  detector: PersonDetector;
  faceChain: FaceChain;
}

export interface ReplayOptions {
  cfg: Config;
  log: Logger;
  /** Video file (anything ffmpeg decodes). */
  video: string;
  /** `<name>/<photo>` folders enrolled as a global watchlist for this run. */
  galleryDir?: string;
  /** Identities already enrolled (a protection case's watchlist), used instead of `galleryDir`. */
  watchlist?: { source: string; identities: WatchlistIdentity[] };
  /** 'max' (default): as fast as the workers go; 'realtime': the file is read at its native rate, like a live camera. */
  speed?: 'max' | 'realtime';
  /** Stops the replay early: the result covers what was read and says where it stopped. */
  signal?: AbortSignal;
  /** Redis to run on; default cfg.redisUrl, else a private redis-server for this run. Keys get a prefix of their own. */
  redisUrl?: string;
  /** Default: random. */
  replayId?: string;
  /** Camera id the footage plays as (watchlists are per camera); default 'replay'. */
  cameraId?: string;
  /** Models already loaded (a threshold sweep replays many times); default: loaded for this run. */
  models?: ReplayModels;
  /** Time of the footage's first frame (ms since epoch); default now. Fix it to make track and event ids repeatable too. */
  startTs?: number;
  /** Called as frames are ingested; `total`: frames the file's declared duration holds at the sampling rate. */
  onProgress?: (p: ReplayProgress) => void;
}

/** Queues still holding work: the replay is done when none do. */
async function pendingJobs(queues: Queue[]): Promise<{ pending: number; failed: number }> {
  let pending = 0;
  let failed = 0;
  for (const q of queues) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
    pending +=
      (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0);
    failed += c.failed ?? 0;
  }
  return { pending, failed };
}

async function waitUntilIdle(queues: Queue[]): Promise<number> {
  let idleChecks = 0;
  for (;;) {
    const { pending, failed } = await pendingJobs(queues);
    idleChecks = pending === 0 ? idleChecks + 1 : 0;
    // Twice in a row: a job finishing enqueues its successor before it completes, so two empty looks are conclusive.
    if (idleChecks >= 2) return failed;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * ffmpeg exits 0 on a truncated or damaged file after decoding what it could; its
 * error lines and a read duration short of the declared one say where it stopped.
 */
function damaged(
  exit: FfmpegExit | null,
  readSec: number,
  declaredSec: number,
  fps: number,
): { atSec: number; reason: string } | undefined {
  const errors = (exit?.stderr ?? '')
    .split('\n')
    .filter((l) => /partial file|invalid data|error while decoding|corrupt|truncat|invalid nal/i.test(l));
  const short = readSec < declaredSec - 2 / fps - 0.1;
  if (!short && !errors.length) return undefined;
  const at = `${readSec.toFixed(1)} s of its declared ${declaredSec.toFixed(1)} s`;
  return {
    atSec: readSec,
    reason: `the video is truncated or damaged: decoding stopped at ${at}${errors.length ? ` (ffmpeg: ${errors.at(-1)!.trim()})` : ''}`,
  };
}

/** Loads the replay models once (reuse them across runs with `models`). */
export async function loadReplayModels(cfg: Config, log?: Logger): Promise<ReplayModels> {
  const [detector, faceChain] = await Promise.all([PersonDetector.create(cfg, log), FaceChain.create(cfg, log)]);
  return { detector, faceChain };
}

/** The run's own config: keys of its own, and frames that live as long as a slow replay may need them (lossless). */
function replayConfig(base: Config, replayId: string): Config {
  return {
    ...base,
    redisPrefix: `${base.redisPrefix}:replay:${replayId}`,
    ingest: { ...base.ingest, frameTtlSeconds: Math.max(base.ingest.frameTtlSeconds, 3600) },
  };
}

/** Enrols the gallery (or takes the case's identities) and publishes it on the watchlist channel, before any worker starts. */
async function publishGallery(
  opts: ReplayOptions,
  models: ReplayModels,
  redis: Redis,
  cfg: Config,
  log: Logger,
): Promise<ReplayResult['gallery']> {
  const enrolled = opts.watchlist
    ? { identities: opts.watchlist.identities, photos: [] }
    : opts.galleryDir
      ? await enrolGalleryFolder(opts.galleryDir, models.faceChain)
      : null;
  if (!enrolled) return null;
  // Published on the channel the API publishes on.
  await new WatchlistChannel(redis, cfg.redisPrefix).publish({
    embedder: models.faceChain.embedderId,
    identities: enrolled.identities,
    cameras: {},
    global: enrolled.identities.map((i) => i.id),
  });
  const gallery = {
    identities: enrolled.identities.map((i) => i.name),
    photos: enrolled.photos,
    ...(opts.watchlist ? { source: opts.watchlist.source } : {}),
  };
  log.info({ identities: gallery.identities, photos: enrolled.photos.length }, 'replay gallery enrolled');
  return gallery;
}

/**
 * Starts the detect and identify workers and an alerts consumer that only collects match events.
 * Each started piece is pushed onto `closers` at once, in start order, so a failure half-way still stops them.
 */
async function startReplayWorkers(
  ctx: WorkerContext,
  redis: Redis,
  models: ReplayModels,
  closers: (() => Promise<void>)[],
): Promise<{ events: Map<string, MatchEvent>; queues: Queue[] }> {
  const { cfg, log } = ctx;
  const events = new Map<string, MatchEvent>();
  const collect = async (data: MatchEvent) => {
    events.set(data.eventId, data);
  };
  const ignore = async () => undefined;
  const alertsWorker = await startConsumer(
    QUEUE.alerts,
    registerHandlers(QUEUE.alerts, {
      [JOB.match]: collect,
      [JOB.cameraOffline]: ignore,
      [JOB.cameraOnline]: ignore,
      // Replays raise no alerts, so no clip is ever asked for them.
      [JOB.clipReady]: ignore,
    }),
    { cfg, connection: redis },
    { log },
  );
  closers.push(() => alertsWorker.close());
  const detect = await startDetectWorker(ctx, detectWith(models.detector, cfg));
  closers.push(() => detect.close());
  const identify = await startIdentifyWorker(ctx, { faceChain: models.faceChain, concurrency: 1 });
  closers.push(() => identify.close());
  const detectQueues = openDetectQueues({ cfg, connection: redis });
  const identifyQueue = openQueue(QUEUE.identify, { cfg, connection: redis });
  const alertsQueue = openQueue(QUEUE.alerts, { cfg, connection: redis });
  const queues = [...detectQueues.partitions.map((p) => p.queue), identifyQueue.queue, alertsQueue.queue];
  for (const q of queues) closers.push(() => q.close());
  return { events, queues };
}

/** Reads the file into the pipeline, losslessly; a file ffmpeg could not read to its end says where it stopped. */
async function ingestVideo(
  opts: ReplayOptions,
  run: { cfg: Config; redisUrl: string; cameraId: string; replayId: string; t0: number; declaredSec: number },
  log: Logger,
) {
  const { cfg, t0 } = run;
  const total = Math.ceil(run.declaredSec * cfg.ingest.fps);
  let exited: Promise<FfmpegExit> | null = null;
  const read = await ingestFile({
    cfg,
    redisUrl: run.redisUrl,
    path: opts.video,
    cameraId: run.cameraId,
    replayId: run.replayId,
    startTs: t0,
    signal: opts.signal,
    openSource: (o) => {
      const source = startFfmpegFrames({ ...o, realtime: opts.speed === 'realtime' });
      exited = source.exited;
      return source;
    },
    onFrame: (job) =>
      opts.onProgress?.({ frames: job.seq + 1, total: Math.max(total, job.seq + 1), mediaSec: (job.ts - t0) / 1000 }),
  });
  const ingested = {
    ...read,
    stoppedEarly: read.stoppedEarly ?? damaged(await exited, read.durationSec, run.declaredSec, cfg.ingest.fps),
  };
  if (ingested.stoppedEarly) log.warn(ingested.stoppedEarly, 'the video could not be read to its end');
  return ingested;
}

/** Each identified track's best person crop, taken while the frames are still in Redis (the run's keys go when it ends). */
async function addThumbnails(
  redis: Redis,
  cfg: Config,
  records: TrackLogRecord[],
  tracks: ReplayResult['tracks'],
): Promise<void> {
  const frameStore = new FrameStore(redis, {
    prefix: cfg.redisPrefix,
    partitions: cfg.detect.partitions,
    ttlSeconds: cfg.ingest.frameTtlSeconds,
  });
  for (const r of records) {
    const track = r.type === 'track' && r.best ? tracks.find((t) => t.trackId === r.trackId) : undefined;
    if (!track?.best || r.type !== 'track' || !r.best) continue;
    const jpeg = await frameStore.get(r.best.frameKey);
    const thumbnail = jpeg && (await personThumbnail(jpeg, r.best.personBox));
    if (thumbnail) track.best.thumbnail = thumbnail;
  }
}

/**
 * Runs a video file through the real pipeline (ingest in lossless mode -> detect
 * partitions -> identify -> alerts queue), in this process, on keys of its own, and
 * returns what happened: tracks with identities and alerts on the footage's clock.
 * Identify runs at concurrency 1 so that the order of votes, hence the result, is
 * deterministic.
 */
export async function runReplay(opts: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  // Refuses what is not footage before anything starts.
  const probe = await probeVideo(opts.video);
  const replayId = opts.replayId ?? randomBytes(6).toString('hex');
  const cameraId = opts.cameraId ?? 'replay';
  const log = opts.log.child({ replayId });
  const cfg = replayConfig(opts.cfg, replayId);
  const keys = redisKeys(cfg.redisPrefix, cfg.detect.partitions);
  let embedded: EmbeddedRedis | null = null;
  let redisUrl = opts.redisUrl ?? configuredRedis(cfg);
  if (!redisUrl) {
    embedded = await startEmbeddedRedis();
    redisUrl = embedded.url;
  }
  const shutdown = new Shutdown(log);
  const redis = watchRedis(workerConnection(redisUrl), log);
  const closers: (() => Promise<void>)[] = [];
  try {
    const models = opts.models ?? (await loadReplayModels(cfg, log));
    const gallery = await publishGallery(opts, models, redis, cfg, log);
    const { events, queues } = await startReplayWorkers({ cfg, log, redisUrl, shutdown }, redis, models, closers);
    const t0 = opts.startTs ?? Date.now();
    const run = { cfg, redisUrl, cameraId, replayId, t0, declaredSec: probe.durationSec };
    const ingested = await ingestVideo(opts, run, log);
    const failedJobs = await waitUntilIdle(queues);
    const counters = await finishCamera(
      { redis, keys, cfg, states: new DetectStateStore(redis, keys) },
      cameraId,
      replayId,
    );
    const records = await readTrackLog(redis, keys, cameraId);
    const timeline = buildTimeline({ records, events: [...events.values()], t0 });
    await addThumbnails(redis, cfg, records, timeline.tracks);
    const wallSec = (performance.now() - started) / 1000;
    const { identifyJobs, ...gating } = counters;
    return {
      replayId,
      video: basename(opts.video),
      cameraId,
      frames: ingested.frames,
      durationSec: ingested.durationSec,
      ...(ingested.stoppedEarly ? { stoppedEarly: ingested.stoppedEarly } : {}),
      gating: {
        ...gating,
        corrupt: gating.corrupt + ingested.corrupt,
        skippedShare: counters.frames ? counters.skipped / counters.frames : 0,
      },
      tracks: timeline.tracks,
      alerts: timeline.alerts,
      gallery,
      stats: { wallSec, framesPerSec: ingested.frames / wallSec, identifyJobs, failedJobs },
    };
  } finally {
    for (const close of closers) await close();
    await shutdown.close();
    // A shared Redis keeps nothing of the run (a private one goes away whole).
    if (!embedded) await deleteKeysWithPrefix(redis, cfg.redisPrefix);
    redis.disconnect();
    if (embedded) await embedded.stop();
  }
}
