import type { Config } from '../pipeline/config/index.js';
import type { MatchEvent } from '../pipeline/events.js';
import type { ClipReady } from '../pipeline/queues.js';
import type { EvidenceTable } from '../storage/database/database.types.js';
import type { PipelineStateRepository } from '../storage/repositories/pipeline-state.repository.js';
import type { AlertLedger, EventOutcome } from './alert-ledger.js';
import type { EvidenceService } from './evidence.service.js';

const EXT: Record<string, string> = { 'video/mp4': 'mp4', 'image/jpeg': 'jpg', 'application/json': 'json' };

/**
 * Event clips of alerts: asks the evidence worker for a match's clip when the alert is raised, and
 * keeps what it sends back (the clip, its redacted copy, the matched person's track, a redacted
 * still) as the alert's evidence, each with its sha256. Both steps are idempotent per alert.
 */
export class AlertClipsService {
  constructor(
    private readonly cfg: Pick<Config, 'evidence'>,
    private readonly ledger: AlertLedger,
    private readonly pipeline: PipelineStateRepository,
    private readonly evidence: EvidenceService,
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

  /** Keeps the files a clip job made; a retried job finds its event already committed. */
  async attach(ready: ClipReady): Promise<EventOutcome> {
    const rows: EvidenceTable[] = [];
    for (const f of ready.files) {
      const bytes = await this.pipeline.frames.get(f.key);
      if (!bytes) continue; // expired before this job ran: the job is retried only within the file TTL
      rows.push(await this.evidence.keep(ready.alertId, f.kind, bytes, f.mime, EXT[f.mime] ?? 'bin'));
    }
    return this.ledger.commit(`clip:${ready.alertId}:${ready.cameraId}`, async (trx, now) => {
      const alert = await trx.get(ready.alertId);
      if (!alert) throw new Error(`clip for unknown alert ${ready.alertId}`);
      await trx.insertEvidence(rows);
      const details = JSON.parse(alert.details) as Record<string, unknown>;
      details.clip = { cameraId: ready.cameraId, startMs: ready.startMs, endMs: ready.endMs, note: ready.note ?? null };
      await trx.update(ready.alertId, { details: JSON.stringify(details), updatedAt: now });
      await trx.insertSource(`clip:${ready.alertId}:${ready.cameraId}`, ready.alertId, now);
      return { alertId: ready.alertId, type: 'alert.updated', deliveries: [], escalate: false };
    });
  }
}
