import type { Config } from '../pipeline/config/index.js';
import type { CameraEvent, MatchEvent } from '../pipeline/events.js';
import type { ClipJob, ClipReady } from '../pipeline/queues.js';
import type { Logger } from '../runtime/logger.js';
import type { EvidenceTable } from '../storage/database/database.types.js';
import type { CameraRepository } from '../storage/repositories/camera.repository.js';
import type { PipelineStateRepository } from '../storage/repositories/pipeline-state.repository.js';
import type { AlertLedger, EventOutcome } from './alert-ledger.js';
import type { EvidenceService } from './evidence.service.js';

const EXT: Record<string, string> = { 'video/mp4': 'mp4', 'image/jpeg': 'jpg', 'application/json': 'json' };
/** SOS clips: at most this many of the case's cameras (a residence has a handful). */
const SOS_CAMERAS = 8;

/** One camera's clip on an alert, in `details.clips[cameraId]`: the span and which evidence rows hold it. */
export interface AlertClip {
  startMs: number | null;
  endMs: number | null;
  note: string | null;
  evidenceIds: string[];
}

/**
 * Event clips of alerts: asks the evidence worker for the clip when a match, SOS or camera-tamper
 * alert is raised, and keeps what it sends back (the clip, its redacted copy, the matched person's
 * track, a redacted still) as the alert's evidence, each with its sha256, so the clip lives and
 * goes with the alert. Both steps are idempotent per alert and camera.
 */
export class AlertClipsService {
  constructor(
    private readonly cfg: Pick<Config, 'evidence'>,
    private readonly ledger: AlertLedger,
    private readonly pipeline: PipelineStateRepository,
    private readonly evidence: EvidenceService,
    private readonly cameras: Pick<CameraRepository, 'list'>,
    private readonly log: Logger,
  ) {}

  /** The clip of a live match's alert: `preSeconds` before the track began to `postSeconds` after it was last seen. */
  async forMatch(alertId: string, ev: MatchEvent): Promise<void> {
    const e = this.cfg.evidence;
    if (!e.clips || ev.replayId) return;
    await this.ledger.requestClip({
      alertId,
      cameraId: ev.cameraId,
      sightingTs: ev.best.ts,
      personBox: ev.best.personBox,
      frameKey: ev.best.frameKey,
      fromMs: ev.firstSeen - e.preSeconds * 1000,
      toMs: ev.lastSeen + e.postSeconds * 1000,
    });
  }

  /**
   * An SOS press: every camera of the case, `preSeconds` before the press to `postSeconds` after.
   * Nobody is kept clear in the redacted copy. Never fails the press: a clip that cannot be asked
   * for (Redis down) is logged and the SOS stands.
   */
  async forSos(alertId: string, caseId: string, at: number): Promise<void> {
    const e = this.cfg.evidence;
    if (!e.clips) return;
    try {
      for (const cam of await this.cameras.list({ limit: SOS_CAMERAS, caseId }))
        await this.request(this.span(alertId, cam.id, at, at));
    } catch (err) {
      this.log.warn({ alert: alertId, err: (err as Error).message }, 'SOS clip not requested');
    }
  }

  /**
   * A camera gone dark (tampering): the seconds before its last frame, as far as the buffer still
   * holds them (the clip recorder keeps a blind camera's last segments until the alert can come).
   */
  async forCameraOffline(alertId: string, ev: CameraEvent): Promise<void> {
    if (!this.cfg.evidence.clips || ev.type !== 'camera.offline') return;
    const last = ev.lastFrameAt ?? ev.ts;
    await this.request({ ...this.span(alertId, ev.cameraId, last, last), toMs: last });
  }

  private span(alertId: string, cameraId: string, from: number, to: number): ClipJob {
    const e = this.cfg.evidence;
    return {
      alertId,
      cameraId,
      sightingTs: from,
      personBox: null,
      frameKey: null,
      fromMs: from - e.preSeconds * 1000,
      toMs: to + e.postSeconds * 1000,
    };
  }

  private request(job: ClipJob): Promise<void> {
    return this.ledger.requestClip(job);
  }

  /** Keeps the files a clip job made; a retried job finds its event already committed. */
  async attach(ready: ClipReady): Promise<EventOutcome> {
    const rows: EvidenceTable[] = [];
    for (const f of ready.files) {
      const bytes = await this.pipeline.frames.get(f.key);
      if (!bytes) continue; // expired before this job ran: the job is retried only within the file TTL
      rows.push(await this.evidence.keep(ready.alertId, f.kind, bytes, f.mime, EXT[f.mime] ?? 'bin'));
    }
    const outcome = await this.ledger.commit(`clip:${ready.alertId}:${ready.cameraId}`, async (trx, now) => {
      const alert = await trx.get(ready.alertId);
      if (!alert) throw new Error(`clip for unknown alert ${ready.alertId}`);
      await trx.insertEvidence(rows);
      const details = JSON.parse(alert.details) as { clips?: Record<string, AlertClip> };
      const clip: AlertClip = {
        startMs: ready.startMs,
        endMs: ready.endMs,
        note: ready.note ?? null,
        evidenceIds: rows.map((r) => r.id),
      };
      details.clips = { ...details.clips, [ready.cameraId]: clip };
      await trx.update(ready.alertId, { details: JSON.stringify(details), updatedAt: now });
      await trx.insertSource(`clip:${ready.alertId}:${ready.cameraId}`, ready.alertId, now);
      return { alertId: ready.alertId, type: 'alert.updated', deliveries: [], escalate: false };
    });
    // Kept with the alert now: the copies in Redis (bystander video among them) go at once, not at their TTL.
    await this.pipeline.frames.delete(...ready.files.map((f) => f.key)).catch(() => {});
    return outcome;
  }
}
