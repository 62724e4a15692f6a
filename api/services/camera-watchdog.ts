import type { CameraEvent } from '../../pipeline/events.js';
import type { Logger } from '../../runtime/logger.js';
import type { CameraRepository } from '../repositories/camera.repository.js';
import type { PipelineStateRepository } from '../repositories/pipeline-state.repository.js';
import { WORKER_SILENT_REASON, workerSilent } from './camera.service.js';

const PAGE = 500;

/**
 * The ingest worker raises camera.offline itself, unless it died: then its last status
 * stays "streaming" and nobody would know the home is unwatched. This sweep raises that
 * silence as camera.offline through the alerts queue, once per silence: the event id is
 * the camera and the last status time, so every sweep (and every API process) names it alike.
 */
export class CameraWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Event ids already queued by this process (the alert service also refuses a repeated id). */
  private readonly raised = new Set<string>();

  constructor(
    private readonly cameras: CameraRepository,
    private readonly pipeline: PipelineStateRepository,
    private readonly raise: (ev: CameraEvent) => Promise<void>,
    private readonly staleStatusMs: number,
    private readonly log: Logger,
  ) {}

  /** One pass over every camera; returns the events raised now. */
  async sweep(now = Date.now()): Promise<CameraEvent[]> {
    const out: CameraEvent[] = [];
    for (let after: { createdAt: number; id: string } | undefined; ; ) {
      const rows = await this.cameras.list({ limit: PAGE, after });
      if (!rows.length) break;
      const statuses = await this.pipeline.cameraStatuses(rows.map((r) => r.id));
      for (const cam of rows) {
        const status = statuses.get(cam.id);
        if (!status || !workerSilent(status, now, this.staleStatusMs)) continue;
        const eventId = `${cam.id}-worker-silent-${status.updatedAt}`;
        if (this.raised.has(eventId)) continue;
        const ev: CameraEvent = {
          type: 'camera.offline',
          eventId,
          cameraId: cam.id,
          ts: now,
          lastFrameAt: status.lastFrameAt,
          reason: WORKER_SILENT_REASON,
        };
        await this.raise(ev);
        this.raised.add(eventId);
        out.push(ev);
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    return out;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .then(
          (evs) =>
            evs.length &&
            this.log.warn({ cameras: evs.map((e) => e.cameraId) }, 'ingest worker silent: camera.offline raised'),
        )
        .catch((err: unknown) =>
          this.log.debug({ err }, 'camera watchdog sweep failed (Redis or database unreachable); next sweep retries'),
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
