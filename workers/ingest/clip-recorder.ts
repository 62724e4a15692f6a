import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backoff } from '../../pipeline/backoff.js';
import type { CameraConfig, Config } from '../../pipeline/config/index.js';
import { segmentTtlSeconds } from '../../pipeline/config/evidence.js';
import { type SegmentRecorderProcess, startSegmentRecorder } from '../../runtime/ffmpeg/ffmpeg-segments.js';
import type { Logger } from '../../runtime/logger.js';
import type { SegmentStore, VideoSegment } from '../../runtime/segment-store.js';

export interface ClipRecorderDeps {
  cfg: Config;
  log: Logger;
  segments: SegmentStore;
  /** Files play at their native rate, like a camera (demo and tests). */
  realtimeFiles?: boolean;
}

/**
 * A camera's rolling video buffer: its own ffmpeg copies the stream (no decode) into short segments,
 * each moved into Redis with a TTL as soon as it is closed (runtime/segment-store.ts), so the buffer
 * never grows past its seconds and any worker can cut an alert's clip from it. A separate process
 * from the frame sampler: it fails and restarts on its own, and a camera may give a main stream for
 * recording (`recordUrl`) and a sub-stream for detection. Sources that are not H.264/H.265 are encoded.
 */
export class ClipRecorder {
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private proc: SegmentRecorderProcess | null = null;
  private dir: string | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private encode = false;
  /** Ends the wait between restarts (stop() must not wait out a backoff). */
  private wakeUp: (() => void) | null = null;
  segmentsStored = 0;
  segmentsLost = 0;
  /** RTSP transport of the next run; `auto` alternates until one delivers, like the frame reader. */
  private transport: 'tcp' | 'udp';
  private transportProven = false;
  /** The segments of the last `preSeconds`, to keep when the camera goes dark. */
  private recent: VideoSegment[] = [];

  constructor(
    readonly camera: CameraConfig,
    private readonly deps: ClipRecorderDeps,
  ) {
    this.log = deps.log.child({ camera: camera.id, role: 'clip-recorder' });
    this.backoff = new Backoff({ initialMs: deps.cfg.ingest.backoffInitialMs, maxMs: deps.cfg.ingest.backoffMaxMs });
    this.transport = deps.cfg.ingest.rtspTransport === 'udp' ? 'udp' : 'tcp';
  }

  /** The folder ffmpeg writes the open segment to (the buffer's only disk use), and its pid; null when not running. */
  get running(): { dir: string; pid: number | undefined } | null {
    return this.dir && this.proc ? { dir: this.dir, pid: this.proc.pid } : null;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.proc?.stop();
    await this.loop;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'watchpost-segments-'));
    while (!this.stopping) {
      const stored = this.segmentsStored;
      const exit = await this.record(this.dir);
      if (this.stopping) return;
      // Copying fails at once on a codec MPEG-TS cannot carry (MJPEG cameras): encode from then on.
      if (!this.encode && this.segmentsStored === stored && /codec|stream/i.test(exit)) {
        this.encode = true;
        this.log.warn({ reason: exit.split('\n').at(-1) }, 'cannot copy this stream into segments: encoding H.264');
        continue;
      }
      if (this.segmentsStored > stored) {
        this.backoff.reset();
        this.transportProven = true;
      } else if (this.deps.cfg.ingest.rtspTransport === 'auto' && !this.transportProven) {
        // A camera (or RTSP server) that refuses TCP interleaving answers "Protocol not supported".
        this.transport = this.transport === 'tcp' ? 'udp' : 'tcp';
      }
      const delay = this.backoff.next();
      this.log.warn({ delayMs: delay, reason: exit.split('\n').at(-1) }, 'segment recorder stopped: restarting');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  /**
   * The stream ended (camera gone dark, or tampered with): its last `preSeconds` stay until the
   * tampering alert, raised `ingest.offlineSeconds` later, can cut them. Bounded like the buffer.
   */
  private async keepLastSeconds(): Promise<void> {
    const { cfg } = this.deps;
    const seconds = cfg.ingest.offlineSeconds + cfg.evidence.alertLatencySeconds + 2 * cfg.evidence.segmentSeconds;
    await this.deps.segments.pin(this.recent, Math.ceil(seconds)).catch(() => {});
    this.recent = [];
  }

  /** One ffmpeg run; returns its last stderr lines. */
  private async record(dir: string): Promise<string> {
    const { cfg } = this.deps;
    const url = this.camera.recordUrl ?? this.camera.url;
    const isFile = !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);
    this.proc = startSegmentRecorder({
      url,
      dir,
      segmentSeconds: cfg.evidence.segmentSeconds,
      encode: this.encode,
      rtspTransport: this.transport,
      realtime: isFile && (this.deps.realtimeFiles ?? true),
      loop: isFile,
    });
    const ttl = segmentTtlSeconds(cfg.evidence);
    for await (const f of this.proc.segments) {
      const endMs = f.closedAt;
      const startMs = Math.round(endMs - (f.endSec - f.startSec) * 1000);
      try {
        const bytes = await readFile(f.path);
        const seg = { cameraId: this.camera.id, startMs, endMs };
        await this.deps.segments.put(seg, bytes, ttl);
        this.segmentsStored++;
        this.recent = [...this.recent.filter((r) => r.endMs > endMs - cfg.evidence.preSeconds * 1000), seg];
      } catch (err) {
        this.segmentsLost++;
        this.log.warn({ err: (err as Error).message, lost: this.segmentsLost }, 'video segment not buffered');
      } finally {
        await unlink(f.path).catch(() => {});
      }
    }
    const exit = await this.proc.exited;
    if (!this.stopping) await this.keepLastSeconds();
    return exit.stderr || `exit ${exit.code ?? exit.signal}`;
  }
}
