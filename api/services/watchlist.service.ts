import { settleWithin } from '../../runtime/settle-within.js';
import { identitiesFromRows, type WatchlistContent } from '../../pipeline/watchlist.js';
import type { Logger } from '../../runtime/logger.js';
import type { CameraRepository } from '../../storage/repositories/camera.repository.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { PerpetratorRepository } from '../../storage/repositories/perpetrator.repository.js';
import type { PipelineStateRepository, RegistryCamera } from '../../storage/repositories/pipeline-state.repository.js';
import { parseSchedule, scheduleState } from '../../pipeline/protection-window.js';

/**
 * Publishes what the pipeline works from: the watchlist snapshot (descriptors of
 * perpetrators watched now, per camera) and the camera registry. Called after every
 * change, and on a timer, so protection windows and daily hours take effect at
 * their boundaries (within `tickMs`) and a publish missed while Redis was down is
 * made up once it is back.
 */
export class WatchlistService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly perpetrators: PerpetratorRepository,
    private readonly cases: CaseRepository,
    private readonly cameras: CameraRepository,
    private readonly pipeline: PipelineStateRepository,
    private readonly log: Logger,
    private readonly embedderId: () => Promise<string>,
  ) {}

  async build(now = Date.now()): Promise<{ snapshot: WatchlistContent; registry: RegistryCamera[] }> {
    const [cases, cameras, everywhere, links] = await Promise.all([
      this.cases.all(),
      this.cameras.all(),
      this.perpetrators.watchedEverywhere(),
      this.cases.links(),
    ]);
    const active = new Set(cases.filter((c) => scheduleState(parseSchedule(c), now).active).map((c) => c.id));
    const perCamera: Record<string, string[]> = {};
    for (const cam of cameras)
      if (cam.caseId && active.has(cam.caseId)) perCamera[cam.id] = links.get(cam.caseId) ?? [];
    const global = everywhere.map((p) => p.id).sort();
    const watched = [...new Set([...Object.values(perCamera).flat(), ...global])].sort();
    const embedder = await this.embedderId();
    const identities = identitiesFromRows(await this.perpetrators.embeddings(watched, embedder));
    const registry = cameras.map((c) => ({ id: c.id, url: c.url, caseId: c.caseId, ...(c.fps ? { fps: c.fps } : {}) }));
    return { snapshot: { embedder, identities, cameras: perCamera, global }, registry };
  }

  /** Publishes both documents if they differ from what Redis holds; coalesces concurrent calls. */
  publish(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.publishOnce();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async publishOnce(): Promise<void> {
    const { snapshot, registry } = await this.build();
    const loaded = await this.pipeline.watchlist.load();
    const current = loaded?.ok ? loaded.snapshot : null;
    if (
      !current ||
      JSON.stringify({ ...current, version: undefined }) !== JSON.stringify({ ...snapshot, version: undefined })
    ) {
      const version = await this.pipeline.watchlist.publish(snapshot);
      this.log.info(
        { version, identities: snapshot.identities.length, cameras: Object.keys(snapshot.cameras).length },
        'watchlist published',
      );
    }
    await this.pipeline.publishCameraRegistryIfChanged(registry);
  }

  /** Best effort after a change: a failure (Redis down) is logged and retried by the timer. */
  async changed(): Promise<void> {
    try {
      await this.publish();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not publish watchlist now; will retry');
    }
  }

  start(tickMs = 10_000): void {
    void this.changed();
    this.timer = setInterval(() => void this.changed(), tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A publish in flight while Redis is unreachable can wait on a reconnect; shutdown must not.
    if (this.running) await settleWithin(this.running, 3000);
  }
}
