import { cameraOfflineEventId, type CameraEvent, type CameraStatus } from '../../pipeline/events.js';
import type { Logger } from '../../runtime/logger.js';
import type { CameraRepository } from '../../storage/repositories/camera.repository.js';
import type { PipelineStateRepository } from '../../storage/repositories/pipeline-state.repository.js';
import { WORKER_SILENT_REASON, workerSilent } from '../../pipeline/ingest-silence.js';

const PAGE = 500;
export const REDIS_LOST_REASON = 'Redis unreachable: frames cannot reach the pipeline';

export interface CameraWatchdogOptions {
  cameras: CameraRepository;
  pipeline: PipelineStateRepository;
  /** Handles the event (the alert service itself: it must work while Redis, and so the queue, is away). */
  raise: (ev: CameraEvent) => Promise<unknown>;
  /** No frame for this long (ingest.offlineSeconds): the camera is blind. */
  offlineMs: number;
  /** A status not rewritten for this long: the ingest worker died (for cameras that never sent a frame). */
  staleStatusMs: number;
  log: Logger;
}

/**
 * Blind cameras, seen from outside the ingest process: a camera whose last stored frame
 * is older than `offlineMs` raises camera.offline whatever the cause (ingest crashed,
 * lease hand-over, network, ffmpeg). While Redis itself is unreachable no frame can be
 * stored, so every camera counts as blind from the last sweep that reached Redis. The
 * event id names the silence by its last frame, as the ingest worker does, so the two
 * raise one event; when frames come back, camera.online.
 */
export class CameraWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Statuses read by the last sweep that reached Redis, and when. */
  private known = new Map<string, CameraStatus | null>();
  private reachedAt = Date.now();
  /** Cameras this process raised offline, with the event id: raised once, and answered by online. */
  private readonly blind = new Map<string, string>();

  constructor(private readonly o: CameraWatchdogOptions) {}

  /** One pass over every camera; returns the events raised now (throws, after the pass, the first raise that failed). */
  async sweep(now = Date.now()): Promise<CameraEvent[]> {
    const out: CameraEvent[] = [];
    let failed: unknown = null;
    for (let after: { createdAt: number; id: string } | undefined; ; ) {
      const rows = await this.o.cameras.list({ limit: PAGE, after });
      if (!rows.length) break;
      const statuses = await this.statuses(
        rows.map((r) => r.id),
        now,
      );
      for (const cam of rows) {
        const ev = this.judge(cam.id, statuses.get(cam.id), statuses === this.known ? this.reachedAt : null, now);
        if (!ev) continue;
        // One camera's failed raise is retried at the next sweep; it must not hold back the others
        // (it did: during a Redis outage only the first camera in the list was ever raised).
        try {
          await this.o.raise(ev);
        } catch (err) {
          failed ??= err;
          continue;
        }
        if (ev.type === 'camera.offline') this.blind.set(cam.id, ev.eventId);
        else this.blind.delete(cam.id);
        this.o.log[ev.type === 'camera.offline' ? 'warn' : 'info'](
          { camera: ev.cameraId, reason: ev.reason, lastFrameAt: ev.lastFrameAt },
          `camera watchdog: ${ev.type}`,
        );
        out.push(ev);
      }
      if (rows.length < PAGE) break;
      const last = rows.at(-1);
      after = last && { createdAt: last.createdAt, id: last.id };
    }
    if (failed) throw failed;
    return out;
  }

  /** Fresh statuses, or (Redis unreachable) the last ones read, marked by returning `known` itself. */
  private async statuses(ids: string[], now: number): Promise<Map<string, CameraStatus | null>> {
    try {
      const fresh = await this.o.pipeline.cameraStatuses(ids);
      for (const [id, s] of fresh) this.known.set(id, s);
      this.reachedAt = now;
      return fresh;
    } catch {
      return this.known;
    }
  }

  /** The event a camera's status calls for now, if any. `lostAt`: Redis unreachable since then. */
  private judge(
    cameraId: string,
    status: CameraStatus | null | undefined,
    lostAt: number | null,
    now: number,
  ): CameraEvent | null {
    if (!status) return null;
    const last = status.lastFrameAt;
    const base = { cameraId, ts: now, lastFrameAt: last };
    if (last === null) {
      // Never streamed: the ingest worker reports its own failed connects, unless it died.
      if (!workerSilent(status, now, this.o.staleStatusMs)) return null;
      const eventId = `${cameraId}-worker-silent-${status.updatedAt}`;
      return this.blind.get(cameraId) === eventId
        ? null
        : { ...base, type: 'camera.offline', eventId, reason: WORKER_SILENT_REASON };
    }
    const seenUntil = lostAt === null ? last : Math.min(last, lostAt);
    if (now - seenUntil > this.o.offlineMs) {
      const eventId = cameraOfflineEventId(cameraId, last, now);
      if (this.blind.get(cameraId) === eventId) return null;
      const reason =
        lostAt !== null
          ? REDIS_LOST_REASON
          : workerSilent(status, now, this.o.offlineMs)
            ? WORKER_SILENT_REASON
            : `no frame for ${Math.round((now - last) / 1000)} s`;
      return { ...base, type: 'camera.offline', eventId, reason };
    }
    if (lostAt === null && this.blind.has(cameraId))
      return { ...base, type: 'camera.online', eventId: `${cameraId}-online-${last}`, reason: 'frames again' };
    return null;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err: unknown) =>
          this.o.log.warn(
            { error: (err as Error).message },
            'camera watchdog sweep failed (database unreachable?); next sweep retries',
          ),
        )
        .finally(() => (this.running = null));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
