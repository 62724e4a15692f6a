import type { Redis } from 'ioredis';
import { Backoff } from '../../pipeline/backoff.js';
import { CameraStateMachine, type CameraTransition } from '../../pipeline/camera-state.js';
import type { CameraConfig, Config } from '../../pipeline/config/index.js';
import {
  cameraOfflineEventId,
  cameraStatusSchema,
  type CameraEvent,
  type CameraStatus,
} from '../../pipeline/events.js';
import { JOB } from '../../pipeline/queues.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import {
  sourceKind,
  startFfmpegFrames,
  type FfmpegExit,
  type FfmpegFrameOptions,
  type FfmpegFrameSource,
  type FrameEvent,
} from '../../runtime/ffmpeg/ffmpeg-frames.js';
import type { FrameStore } from '../../runtime/frame-store.js';
import type { Logger } from '../../runtime/logger.js';
import { metrics, setCameraState } from '../../runtime/metrics.js';
import { redisDown } from '../../runtime/redis-health.js';
import type { DetectQueues, JobQueue } from '../../runtime/queues.js';
import { FramePublisher } from './frame-publisher.js';
import { resultWithin, settleWithin } from '../../runtime/settle-within.js';

export interface CameraSessionDeps {
  cfg: Config;
  log: Logger;
  store: FrameStore;
  detect: DetectQueues;
  alerts: JobQueue<'alerts'>;
  /** For the status key (a worker connection: writes wait out a Redis restart). */
  redis: Redis;
  clock?: () => number;
  /** Id of the ingest worker running the session, shown in the status. */
  workerId?: string;
  /** Starts the frame source; ffmpeg unless a test supplies another byte source. */
  openSource?: (opts: FfmpegFrameOptions) => FfmpegFrameSource;
  /** On standby: reads the camera but publishes nothing, writes no status, raises no event, until `activate()`. */
  standby?: boolean;
}

/** Time a (re)started source gets to deliver its first frame before it is restarted. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long stop() waits for pending event and status writes. */
const STOP_WRITES_MS = 5000;
/** Frame rate measured over this window, for the status. */
const FPS_WINDOW_MS = 5000;

/**
 * One live camera: an ffmpeg process, the state machine, reconnects with backoff
 * and jitter (RTSP: TCP first, then UDP when TCP delivers nothing), camera.offline /
 * camera.online events on the alerts queue, the status key, and frames published
 * lossy and bounded. Never blocks reading ffmpeg on Redis: while the previous frame
 * is still being published (Redis slow or restarting), new frames are dropped.
 */
export class CameraSession {
  private readonly machine: CameraStateMachine;
  private readonly backoff: Backoff;
  private readonly publisher: FramePublisher;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly statusKey: string;
  private source: FfmpegFrameSource | null = null;
  /** The current source was told to stop by tick(): do not tell it again. */
  private sourceRestarting = false;
  private readonly pendingEvents = new Set<Promise<unknown>>();
  private launchedAt = 0;
  private framesThisLaunch = 0;
  private transport: 'tcp' | 'udp';
  private transportProven = false;
  private starting: Promise<void> | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private publishing = false;
  /** Frame numbers keep rising across reconnects and worker restarts (start: now in ms; fps < 1000). */
  private seq: number;
  private framesTotal = 0;
  private framesDropped = 0;
  private framesCorrupt = 0;
  private droppedWhileDown = 0;
  private latestFrameKey: string | null = null;
  private recentFrames: number[] = [];
  private statusWrite: Promise<unknown> | null = null;
  private statusDirty = false;
  private lastStatusAt = 0;
  private standby: boolean;

  constructor(
    readonly camera: CameraConfig,
    private readonly deps: CameraSessionDeps,
  ) {
    const ing = deps.cfg.ingest;
    this.clock = deps.clock ?? Date.now;
    this.log = deps.log.child({ camera: camera.id });
    this.machine = new CameraStateMachine(
      { stallMs: ing.stallSeconds * 1000, offlineMs: Math.max(ing.offlineSeconds, ing.stallSeconds) * 1000 },
      this.clock,
    );
    this.backoff = new Backoff({ initialMs: ing.backoffInitialMs, maxMs: ing.backoffMaxMs });
    this.transport = ing.rtspTransport === 'udp' ? 'udp' : 'tcp';
    this.seq = this.clock();
    this.standby = deps.standby ?? false;
    this.statusKey = globalKeys(deps.cfg.redisPrefix).cameraStatus(camera.id);
    this.publisher = new FramePublisher(camera.id, {
      store: deps.store,
      queue: deps.detect.forCamera(camera.id),
      maxInFlight: ing.maxInFlightPerCamera,
      mode: 'live',
      ...(camera.regions ? { regions: camera.regions } : {}),
    });
  }

  get state() {
    return this.machine.state;
  }

  /** On standby and delivering frames: ready to take over without a gap. */
  get warm(): boolean {
    return this.standby && this.framesThisLaunch > 0 && this.machine.state === 'streaming';
  }

  get onStandby(): boolean {
    return this.standby;
  }

  /** This worker now holds the camera: frames, status and events from here on. */
  activate(): void {
    if (!this.standby) return;
    this.standby = false;
    this.log.info('camera taken over from its previous reader');
    this.writeStatus(true);
  }

  start(): void {
    this.starting = this.resumeTransport().finally(() => {
      if (this.stopping) return;
      this.apply(this.machine.connect());
      const tickMs = Math.max(50, Math.min(1000, (this.deps.cfg.ingest.stallSeconds * 1000) / 5));
      this.ticker = setInterval(() => this.tick(), tickMs);
      this.launch();
    });
  }

  /**
   * auto: starts with the transport that last delivered this camera's frames (the status
   * says which, whoever wrote it), so a restarted or new reader does not try TCP again on
   * a camera that only answers UDP, losing a launch and a backoff first. Bounded: a
   * Redis that does not answer does not hold the camera back.
   */
  private async resumeTransport(): Promise<void> {
    if (this.deps.cfg.ingest.rtspTransport !== 'auto' || sourceKind(this.camera.url) !== 'rtsp') return;
    const text = await resultWithin(this.deps.redis.get(this.statusKey), 500, null);
    const parsed = text ? cameraStatusSchema.safeParse(JSON.parse(text)) : null;
    const last = parsed?.success ? parsed.data.transport : undefined;
    if (last) this.transport = last;
  }

  /** Stops ffmpeg and timers; the status says `stopped`. Pending events and status writes are awaited. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.starting;
    if (this.ticker) clearInterval(this.ticker);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.source?.stop();
    await this.loop;
    this.apply(this.machine.stop());
    // While Redis is away these writes wait for it; shutdown must not wait forever.
    const settled = await settleWithin(Promise.all([...this.pendingEvents, this.flushStatus()]), STOP_WRITES_MS);
    if (!settled)
      this.log.error(
        { pendingEvents: this.pendingEvents.size },
        'Redis unreachable: camera events or status not written before stopping',
      );
  }

  private launch(): void {
    if (this.stopping) return;
    const kind = sourceKind(this.camera.url);
    const opts: FfmpegFrameOptions = {
      url: this.camera.url,
      fps: this.camera.fps ?? this.deps.cfg.ingest.fps,
      maxWidth: this.deps.cfg.ingest.maxWidth,
      jpegQuality: this.deps.cfg.ingest.jpegQuality,
      threads: this.deps.cfg.ingest.ffmpegThreads,
      rtspTransport: this.transport,
      // A file camera plays at its own pace and in a loop, like a live one.
      realtime: kind === 'file',
      loop: kind === 'file',
      ioTimeoutMs: this.deps.cfg.ingest.stallSeconds * 1000,
    };
    this.launchedAt = this.clock();
    this.framesThisLaunch = 0;
    this.sourceRestarting = false;
    this.log.debug({ kind, transport: kind === 'rtsp' ? this.transport : undefined }, 'starting ffmpeg');
    const source = (this.deps.openSource ?? startFfmpegFrames)(opts);
    this.source = source;
    this.loop = this.consume(source);
  }

  private async consume(source: FfmpegFrameSource): Promise<void> {
    try {
      for await (const ev of source.frames) {
        if (this.stopping) break;
        this.onFrameEvent(ev);
      }
    } catch (err) {
      this.log.warn({ err }, 'reading frames failed');
    }
    const exit = await source.stop();
    if (this.source === source) this.source = null;
    if (!this.stopping) this.onSourceEnded(exit);
  }

  private onFrameEvent(ev: FrameEvent): void {
    if (ev.type === 'corrupt') {
      this.framesCorrupt++;
      metrics.framesCorrupt.inc({ camera: this.camera.id });
      this.log.warn({ bytes: ev.bytes, reason: ev.reason }, 'corrupt frame skipped');
      return;
    }
    this.framesThisLaunch++;
    this.framesTotal++;
    const now = this.clock();
    this.recentFrames.push(now);
    while (this.recentFrames[0]! < now - FPS_WINDOW_MS) this.recentFrames.shift();
    metrics.framesCaptured.inc({ camera: this.camera.id });
    if (this.framesThisLaunch === 1) {
      this.backoff.reset();
      this.transportProven = true;
    }
    this.apply(this.machine.frame());
    const seq = this.seq++;
    // Standby: the camera's current reader publishes; this one only keeps its decoder going.
    if (this.standby) return;
    if (this.publishing) {
      this.framesDropped++;
      // Redis away: the frame is lost with no detection; counted apart, and summed up when Redis returns.
      const down = redisDown();
      if (down) this.droppedWhileDown++;
      metrics.framesDropped.inc({ camera: this.camera.id, reason: down ? 'redis_down' : 'backlog' });
      return;
    }
    this.publishing = true;
    this.publisher
      .publish({ jpeg: ev.jpeg, width: ev.width, height: ev.height, seq, ts: ev.receivedAt })
      .then((out) => {
        if (out.status !== 'queued') this.framesDropped++;
        if (out.job) this.latestFrameKey = out.job.frameKey;
      })
      .catch((err: unknown) => {
        // Lost like a frame dropped while Redis is away (a fail-over closed the connection under it): counted so.
        this.framesDropped++;
        metrics.framesDropped.inc({ camera: this.camera.id, reason: 'redis_down' });
        this.log.warn({ err }, 'could not publish a frame');
      })
      .finally(() => {
        this.publishing = false;
        this.writeStatus(false);
      });
  }

  private onSourceEnded(exit: FfmpegExit): void {
    const reason = exit.code === 0 ? 'source ended' : `ffmpeg exited (${exit.signal ?? `code ${exit.code}`})`;
    this.apply(this.machine.sourceEnded(reason));
    // auto: RTSP over TCP first; while neither transport has delivered a frame, a launch
    // that delivered nothing tries the other one next.
    if (this.framesThisLaunch) this.transportProven = true;
    if (
      this.deps.cfg.ingest.rtspTransport === 'auto' &&
      sourceKind(this.camera.url) === 'rtsp' &&
      !this.transportProven
    ) {
      this.transport = this.transport === 'tcp' ? 'udp' : 'tcp';
    }
    const delay = this.backoff.next();
    metrics.cameraReconnects.inc({ camera: this.camera.id });
    this.log.warn(
      { reason, stderr: exit.stderr || undefined, retryInMs: delay, attempt: this.backoff.attempts },
      'camera source ended: reconnecting',
    );
    this.retryTimer = setTimeout(() => this.launch(), delay);
  }

  private tick(): void {
    this.apply(this.machine.tick());
    // A source that neither delivers nor exits (hung connection) is restarted. A new one gets
    // longer for its first frame: RTSP setup and stream probing take a second or two.
    const stallMs = this.deps.cfg.ingest.stallSeconds * 1000;
    const allowed = this.framesThisLaunch ? stallMs : Math.max(stallMs, CONNECT_TIMEOUT_MS);
    const silentSince = Math.max(this.launchedAt, this.machine.lastFrameAt ?? 0);
    if (this.source && !this.sourceRestarting && this.clock() - silentSince > allowed) {
      this.sourceRestarting = true;
      this.log.info('no frame within the stall time: restarting ffmpeg');
      void this.source.stop();
    }
    this.writeStatus(false);
  }

  private apply(transitions: CameraTransition[]): void {
    for (const t of transitions) {
      setCameraState(this.camera.id, t.to);
      const level = t.event ? 'warn' : 'info';
      this.log[level]({ from: t.from, to: t.to, reason: t.reason }, `camera ${t.to}`);
      if (t.event) this.raise(t);
    }
    if (transitions.length) this.writeStatus(true);
  }

  private raise(t: CameraTransition): void {
    if (this.standby) return;
    const event: CameraEvent = {
      type: t.event!,
      eventId:
        t.event === 'camera.offline'
          ? cameraOfflineEventId(this.camera.id, t.lastFrameAt, t.at)
          : `${this.camera.id}-online-${t.at}`,
      cameraId: this.camera.id,
      ts: t.at,
      lastFrameAt: t.lastFrameAt,
      reason: t.reason,
    };
    const name = t.event === 'camera.offline' ? JOB.cameraOffline : JOB.cameraOnline;
    const pending = this.deps.alerts
      .add(name, event, { jobId: event.eventId })
      .catch((err: unknown) => this.log.error({ err, event: event.type }, 'could not queue camera event'))
      .finally(() => this.pendingEvents.delete(pending));
    this.pendingEvents.add(pending);
  }

  /** Frames dropped while Redis was unreachable since the last call (the outage summary). */
  takeDroppedWhileRedisDown(): number {
    const n = this.droppedWhileDown;
    this.droppedWhileDown = 0;
    return n;
  }

  status(): CameraStatus {
    const now = this.clock();
    return {
      cameraId: this.camera.id,
      state: this.machine.state,
      lastFrameAt: this.machine.lastFrameAt,
      fps:
        Math.round((this.recentFrames.filter((t) => t >= now - FPS_WINDOW_MS).length / (FPS_WINDOW_MS / 1000)) * 10) /
        10,
      framesTotal: this.framesTotal,
      framesDropped: this.framesDropped,
      framesCorrupt: this.framesCorrupt,
      latestFrameKey: this.latestFrameKey,
      ...(this.transportProven && sourceKind(this.camera.url) === 'rtsp' ? { transport: this.transport } : {}),
      ...(this.deps.workerId ? { ingestWorker: this.deps.workerId } : {}),
      updatedAt: now,
    };
  }

  /** At most one write in flight and one per second unless the state changed; the newest status wins. */
  private writeStatus(force: boolean): void {
    if (this.standby || (!force && this.clock() - this.lastStatusAt < 1000)) return;
    this.statusDirty = true;
    if (this.statusWrite) return;
    this.statusDirty = false;
    this.lastStatusAt = this.clock();
    this.statusWrite = this.deps.redis
      .set(this.statusKey, JSON.stringify(this.status()))
      .catch((err: unknown) => this.log.warn({ err }, 'could not write camera status'))
      .finally(() => {
        this.statusWrite = null;
        if (this.statusDirty) this.writeStatus(true);
      });
  }

  private async flushStatus(): Promise<void> {
    while (this.statusWrite) await this.statusWrite;
    if (this.standby) return;
    await this.deps.redis.set(this.statusKey, JSON.stringify(this.status())).catch(() => undefined);
  }
}
