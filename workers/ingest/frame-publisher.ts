import type { Redis } from 'ioredis';
import { frameJobId, JOB, type FrameJob } from '../../pipeline/queues.js';
import type { RegionSetting } from '../../pipeline/regions.js';
import type { FrameStore } from '../../runtime/frame-store.js';
import { metrics } from '../../runtime/metrics.js';
import type { JobQueue } from '../../runtime/queues.js';

export interface PublishedFrame {
  jpeg: Buffer;
  width: number;
  height: number;
  seq: number;
  ts: number;
  replayId?: string;
}

/**
 * - queued: stored and on the detect queue;
 * - queued-superseding: queued, after removing the oldest frame still waiting (live, detection behind);
 * - skipped: not queued, every frame in flight is already being processed (live only).
 */
export type PublishOutcome = { status: 'queued' | 'queued-superseding' | 'skipped'; job: FrameJob | null };

const FINISHED = new Set(['completed', 'failed', 'unknown']);
const REMOVABLE = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/**
 * Stores one camera's frames and queues them for detection, with at most
 * `maxInFlight` of its frames on the detect queue (waiting or being processed).
 *
 * Live: when the bound is reached, the OLDEST WAITING frame is removed (its bytes too)
 * and the new one is queued: a stale frame is worth least for an alert that must come
 * within seconds, and the tracker still sees the scene as it is now. Only when every
 * in-flight frame is already being processed is the new frame skipped. Both count in
 * `watchpost_frames_dropped_total`.
 * Lossless (replays): `publish` waits until a slot frees; the caller, not reading its
 * source meanwhile, pauses ffmpeg, and nothing is dropped. The detect stage appends each
 * lossless frame's job id to the replay's `framesDone` list as it saves the camera's
 * state (same round trip), and the publisher waits on that list (BLPOP): one round
 * trip a frame, where polling BullMQ for the oldest job's state took 2-3 and most of
 * the replay feeders' CPU. A frame that fails without being done (its job exhausted its
 * retries) reports nothing: after `lookAfterMs` without news, BullMQ is asked.
 */
export class FramePublisher {
  /** This camera's frames on the queue, oldest first. */
  private inFlight: { jobId: string; frameKey: string }[] = [];

  constructor(
    private readonly cameraId: string,
    private readonly deps: {
      store: FrameStore;
      queue: JobQueue<'detect'>;
      maxInFlight: number;
      /** The camera's own detect.regions, carried by each frame job. */
      regions?: RegionSetting;
    } & (
      | { mode: 'live' }
      | {
          mode: 'lossless';
          /** The replay's framesDone list, on a connection of its own: BLPOP blocks it. */
          done: { connection: Redis; key: string; lookAfterMs?: number };
        }
    ),
  ) {}

  /** Frames of this camera currently waiting or being processed (as last seen). */
  get inFlightCount(): number {
    return this.inFlight.length;
  }

  async publish(frame: PublishedFrame, signal?: AbortSignal): Promise<PublishOutcome> {
    let superseded = false;
    // States are looked up only at the bound: below it nothing needs deciding.
    while (this.inFlight.length >= this.deps.maxInFlight) {
      if (this.deps.mode === 'lossless') {
        await this.awaitDone(this.deps.done);
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        continue;
      }
      const states = await this.refresh();
      if (this.inFlight.length < this.deps.maxInFlight) break;
      const oldest = this.inFlight.findIndex((_, i) => REMOVABLE.has(states[i]!));
      const victim = oldest >= 0 ? this.inFlight[oldest]! : null;
      // remove() refuses a job that a worker has just locked: then it is processing, not waiting.
      if (victim && (await this.deps.queue.queue.remove(victim.jobId)) === 1) {
        this.inFlight.splice(oldest, 1);
        await this.deps.store.delete(victim.frameKey);
        metrics.framesDropped.inc({ camera: this.cameraId, reason: 'superseded' });
        superseded = true;
        continue;
      }
      metrics.framesDropped.inc({ camera: this.cameraId, reason: 'skipped' });
      return { status: 'skipped', job: null };
    }
    const frameKey = await this.deps.store.putFrame(this.cameraId, frame.seq, frame.jpeg);
    const job: FrameJob = {
      cameraId: this.cameraId,
      seq: frame.seq,
      ts: frame.ts,
      frameKey,
      width: frame.width,
      height: frame.height,
      mode: this.deps.mode,
      ...(frame.replayId ? { replayId: frame.replayId } : {}),
      ...(this.deps.regions ? { regions: this.deps.regions } : {}),
    };
    const jobId = frameJobId(job);
    await this.deps.queue.add(JOB.frame, job, { jobId });
    this.inFlight.push({ jobId, frameKey });
    return { status: superseded ? 'queued-superseding' : 'queued', job };
  }

  /** Lossless: waits for a frame to be reported done (or, after `lookAfterMs` without news, for BullMQ to say the oldest finished). */
  private async awaitDone(done: { connection: Redis; key: string; lookAfterMs?: number }): Promise<void> {
    const popped = await done.connection.blpop(done.key, (done.lookAfterMs ?? 1000) / 1000);
    if (popped) {
      // A camera's frames are done in order: the ones before it are done too (or, failed, retry after it).
      const i = this.inFlight.findIndex((f) => f.jobId === popped[1]);
      this.inFlight.splice(0, i + 1);
      return;
    }
    if (FINISHED.has(await this.deps.queue.queue.getJobState(this.inFlight[0]!.jobId))) this.inFlight.shift();
  }

  /** Forgets finished frames; returns the states of the remaining ones, in order. */
  private async refresh(): Promise<string[]> {
    const states = await Promise.all(this.inFlight.map((f) => this.deps.queue.queue.getJobState(f.jobId)));
    const keep = states.map((s) => !FINISHED.has(s));
    this.inFlight = this.inFlight.filter((_, i) => keep[i]);
    return states.filter((_, i) => keep[i]);
  }
}
