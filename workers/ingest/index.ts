import type { Redis } from 'ioredis';
import type { CameraConfig } from '../../pipeline/config/index.js';
import { QUEUE } from '../../pipeline/queues.js';
import type { FfmpegFrameOptions, FfmpegFrameSource } from '../../runtime/ffmpeg/ffmpeg-frames.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { SegmentStore } from '../../runtime/segment-store.js';
import { clearCameraState, metrics, watchQueueDepths } from '../../runtime/metrics.js';
import { openDetectQueues, openQueue } from '../../runtime/queues.js';
import { workerConnection } from '../../runtime/redis.js';
import { watchRedis, whenRedisRestored } from '../../runtime/redis-health.js';
import { requireFfmpeg } from '../../runtime/system-tools.js';
import type { RunningWorker, WorkerContext } from '../worker-context.js';
import { CameraLeases, ingestConnectionName, newIngestWorkerId } from './camera-leases.js';
import { watchCameras } from './camera-registry.js';
import { CameraSession } from './camera-session.js';
import { ClipRecorder } from './clip-recorder.js';
import { settleWithin } from '../../runtime/settle-within.js';

export { ingestFile, type IngestFileOptions, type IngestFileResult } from './ingest-file.js';

export interface IngestWorker extends RunningWorker {
  /** Sessions by camera id (for status and tests). */
  readonly sessions: ReadonlyMap<string, CameraSession>;
  /** Resolves once the first camera list has been read and its sessions started. */
  readonly ready: Promise<void>;
  /** This worker's id in the camera leases. */
  readonly workerId: string;
}

/** Stops the sessions (and clip buffers) of cameras this worker no longer reads, or whose settings changed. */
async function stopUnwanted(s: {
  sessions: Map<string, CameraSession>;
  recorders: Map<string, ClipRecorder>;
  wanted: Map<string, CameraConfig>;
  registered: CameraConfig[];
  log: WorkerContext['log'];
}): Promise<void> {
  const stops: Promise<void>[] = [];
  for (const [id, session] of s.sessions) {
    const next = s.wanted.get(id);
    if (next && JSON.stringify(next) === JSON.stringify(session.camera)) continue;
    s.sessions.delete(id);
    const recorder = s.recorders.get(id);
    s.recorders.delete(id);
    if (recorder) stops.push(recorder.stop());
    s.log.info(
      { camera: id },
      next
        ? 'camera changed: restarting it'
        : s.registered.some((c) => c.id === id)
          ? 'camera handed to another ingest worker'
          : 'camera removed',
    );
    stops.push(
      session.stop().then(() => {
        if (!next) clearCameraState(id);
      }),
    );
  }
  await Promise.all(stops);
}

/** One line per Redis outage: how many live frames each camera could not queue while it was away. */
function logDroppedWhileDown(
  sessions: Map<string, CameraSession>,
  log: WorkerContext['log'],
  address: string,
  downMs: number,
): void {
  const dropped = Object.fromEntries(
    [...sessions].map(([id, s]) => [id, s.takeDroppedWhileRedisDown()] as const).filter(([, n]) => n > 0),
  );
  const total = Object.values(dropped).reduce((a, n) => a + n, 0);
  log.warn(
    { redis: address, downMs, framesDropped: total, byCamera: dropped },
    'frames dropped while Redis was unreachable',
  );
}

/**
 * Starts a camera this worker holds (or, `standby`, is being handed), or activates its standby
 * session once the lease is here; a standby session with frames says so each round (markWarm).
 */
async function runCamera(
  cam: CameraConfig,
  standby: boolean,
  s: {
    sessions: Map<string, CameraSession>;
    recorders: Map<string, ClipRecorder>;
    leases: CameraLeases;
    log: WorkerContext['log'];
    openSession: (cam: CameraConfig, standby: boolean) => CameraSession;
    openRecorder: (cam: CameraConfig) => ClipRecorder | null;
  },
): Promise<void> {
  const running = s.sessions.get(cam.id);
  if (running && standby) {
    if (running.warm) await s.leases.markWarm(cam.id);
    return;
  }
  if (running && !running.onStandby) return;
  if (running) running.activate();
  else {
    const session = s.openSession(cam, standby);
    s.sessions.set(cam.id, session);
    s.log.info({ camera: cam.id, name: cam.name, standby }, 'watching camera');
    session.start();
    if (standby) return;
  }
  const recorder = s.openRecorder(cam);
  if (recorder) {
    s.recorders.set(cam.id, recorder);
    recorder.start();
  }
}

/** The camera leases, on a connection of their own and named: peers see this worker die with it (camera-leases.ts). */
function openLeases({ cfg, log, redisUrl }: WorkerContext): { leaseConn: Redis; leases: CameraLeases } {
  const workerId = cfg.ingest.workerId ?? newIngestWorkerId();
  const connectionName = ingestConnectionName(cfg.redisPrefix, workerId);
  const leaseConn = watchRedis(workerConnection(redisUrl, { connectionName }), log);
  const leaseMs = cfg.ingest.leaseSeconds * 1000;
  const opts = { redis: leaseConn, prefix: cfg.redisPrefix, leaseMs, log, workerId, namedConnection: true };
  return { leaseConn, leases: new CameraLeases(opts) };
}

/**
 * `watchpost worker ingest`: one ffmpeg per camera, for the configured cameras and
 * those registered through the API (added and removed without a restart). Live mode:
 * lossy and bounded per camera. Several ingest workers share the cameras through
 * leases (camera-leases.ts): each camera is read by one of them, and the others take
 * over the cameras of one that stops or dies.
 */
export async function startIngestWorker(
  ctx: WorkerContext,
  opts: { openSource?: (o: FfmpegFrameOptions) => FfmpegFrameSource } = {},
): Promise<IngestWorker> {
  const { cfg, log } = ctx;
  if (!opts.openSource) requireFfmpeg();
  const redis = watchRedis(workerConnection(ctx.redisUrl), log);
  const subscriber = watchRedis(workerConnection(ctx.redisUrl), log);
  const deps = { cfg, connection: redis, log };
  const detect = openDetectQueues(deps);
  const alerts = openQueue(QUEUE.alerts, deps);
  const unwatch = watchQueueDepths([...detect.partitions.map((q) => q.queue), alerts.queue]);
  const store = new FrameStore(redis, {
    prefix: cfg.redisPrefix,
    partitions: cfg.detect.partitions,
    ttlSeconds: cfg.ingest.frameTtlSeconds,
  });
  const sessions = new Map<string, CameraSession>();
  // Event-clip buffers, one per camera this worker reads (evidence.clips).
  const recorders = new Map<string, ClipRecorder>();
  const segments = new SegmentStore(redis, { prefix: cfg.redisPrefix, partitions: cfg.detect.partitions });
  const { leaseConn, leases } = openLeases(ctx);
  let registered: CameraConfig[] = [];
  let closing = false;

  const openSession = (cam: CameraConfig, standby: boolean) =>
    new CameraSession(cam, { cfg, log, store, detect, alerts, redis, workerId: leases.workerId, ...opts, standby });
  const openRecorder = (cam: CameraConfig) =>
    cfg.evidence.clips && !opts.openSource ? new ClipRecorder(cam, { cfg, log, segments }) : null;
  const sync = async (all: CameraConfig[]) => {
    if (closing) return;
    const held = await leases.balance(all.map((c) => c.id));
    // Cameras being handed to this worker run on standby until their previous reader lets go.
    const warming = leases.warming();
    const cameras = all.filter((c) => held.has(c.id) || warming.has(c.id));
    const wanted = new Map(cameras.map((c) => [c.id, c]));
    await stopUnwanted({ sessions, recorders, wanted, registered, log });
    for (const cam of cameras) {
      if (closing) break;
      await runCamera(cam, warming.has(cam.id), { sessions, recorders, leases, log, openSession, openRecorder });
    }
    metrics.ingestCameras.set([...sessions.values()].filter((x) => !x.onStandby).length);
  };

  // Registry changes and lease rounds run one after another (the registry watcher
  // serialises its own calls; the lease timer joins the same chain).
  let rounds: Promise<void> = Promise.resolve();
  const resync = () =>
    (rounds = rounds
      .then(() => sync(registered))
      .catch((err: unknown) => log.warn({ err }, 'camera leases: round failed')));
  const watcher = watchCameras({
    redis,
    subscriber,
    prefix: cfg.redisPrefix,
    configured: cfg.cameras,
    log,
    allowFileSources: cfg.ingest.allowFileSources,
    onChange: (cameras) => {
      registered = cameras;
      return resync();
    },
  });
  const leaseTimer = setInterval(resync, (cfg.ingest.leaseSeconds * 1000) / 4);
  const stopSummary = whenRedisRestored((address, downMs) => logDroppedWhileDown(sessions, log, address, downMs));

  return {
    sessions,
    ready: watcher.ready,
    workerId: leases.workerId,
    async close() {
      // Intake first: no new camera, then every ffmpeg stopped and its lease given up
      // (another worker takes the camera at once), then queues and connections.
      closing = true;
      clearInterval(leaseTimer);
      stopSummary();
      await watcher.close();
      await rounds;
      await Promise.all([...sessions.values(), ...recorders.values()].map((s) => s.stop()));
      sessions.clear();
      recorders.clear();
      await settleWithin(leases.releaseAll(), 2000);
      unwatch();
      // Bounded: with Redis away, closing queues and quitting would wait for it.
      if (!(await settleWithin(Promise.all([detect.close(), alerts.close()]), 3000)))
        log.warn('queues did not close cleanly (Redis unreachable)');
      for (const conn of [redis, subscriber, leaseConn])
        if (!(await settleWithin(conn.quit(), 2000))) conn.disconnect();
    },
  };
}
