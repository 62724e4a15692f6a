import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditService } from '../audit/audit.service.js';
import { bystanderSeconds, type Config } from '../pipeline/config/index.js';
import {
  emptyCounts,
  type PurgeCounts,
  RETENTION_LAST_RUN,
  type RetentionRun,
  retentionCutoffs,
  retentionRunSchema,
} from '../pipeline/retention.js';
import type { Logger } from '../runtime/logger.js';
import type { Repositories } from '../storage/repositories/index.js';
import { replaysRoot } from '../storage/repositories/replay.repository.js';

export interface RetentionDeps {
  cfg: Pick<Config, 'retention' | 'ingest' | 'cameras' | 'dataDir'>;
  repos: Pick<Repositories, 'retention' | 'evidence' | 'settings' | 'cameras' | 'pipeline' | 'audit'>;
  audit: AuditService;
  log: Logger;
}

/**
 * Enforces the retention policy (pipeline/retention.ts): deletes expired alerts with their evidence
 * files, clips and deliveries, replays with their records and best frames, and live track-log
 * entries, batch by batch; every run is audited with its counts and kept as the last run.
 * Each batch is safe to repeat, so a run that fails part-way is simply run again.
 */
export class RetentionService {
  constructor(private readonly d: RetentionDeps) {}

  /** One purge run. Records and audits what it deleted, then rethrows a failure (the job is retried). */
  async purge(reason: 'schedule' | 'manual'): Promise<RetentionRun> {
    const startedAt = Date.now();
    const cutoffs = retentionCutoffs(this.d.cfg.retention, startedAt);
    const counts = emptyCounts();
    let error: string | null = null;
    try {
      const batch = this.d.cfg.retention.batchSize;
      for (let ids = await this.d.repos.retention.expiredAlerts(cutoffs, batch); ids.length; ) {
        await this.deleteAlerts(ids, counts);
        ids = await this.d.repos.retention.expiredAlerts(cutoffs, batch);
      }
      for (let ids = await this.d.repos.retention.expiredReplays(cutoffs.replay, batch); ids.length; ) {
        await this.deleteReplays(ids, counts);
        ids = await this.d.repos.retention.expiredReplays(cutoffs.replay, batch);
      }
      counts.trackLogEntries += await this.d.repos.pipeline.trimTrackLogs(
        await this.liveCameraIds(),
        bystanderSeconds(this.d.cfg),
      );
      counts.auditEntries += await this.purgeAudit(cutoffs.audit, batch);
    } catch (err) {
      error = (err as Error).message;
    }
    const run: RetentionRun = { startedAt, finishedAt: Date.now(), counts, error };
    await this.d.repos.settings.set(RETENTION_LAST_RUN, JSON.stringify(run));
    await this.d.audit.record('system', 'retention.purge', { type: 'retention' }, { reason, counts, error });
    this.d.log.info({ reason, counts, error, ms: run.finishedAt - startedAt }, 'retention purge run');
    if (error) throw new Error(`retention purge failed: ${error}`);
    return run;
  }

  /**
   * Deletes the given alerts: their evidence files first (a crash then leaves rows the next run
   * finds again, never files nothing points to), then the rows, in one transaction.
   */
  async deleteAlerts(ids: string[], counts: PurgeCounts = emptyCounts()): Promise<PurgeCounts> {
    for (const id of ids) await this.d.repos.evidence.removeFolder(id);
    const deleted = await this.d.repos.retention.deleteAlerts(ids);
    counts.alerts += deleted.alerts;
    counts.evidenceFiles += deleted.evidence;
    counts.clips += deleted.clips;
    counts.deliveries += deleted.deliveries;
    return counts;
  }

  /**
   * A deleted perpetrator's false positives go at once: the face in them is a stranger's, wrongly
   * named, and there is nobody left to watch for. Their true sightings stay evidence for their lifetime.
   */
  async forgetPerpetrator(perpetratorId: string): Promise<PurgeCounts> {
    return this.deleteAlerts(await this.d.repos.retention.falsePositivesOf(perpetratorId));
  }

  private async deleteReplays(ids: string[], counts: PurgeCounts): Promise<void> {
    const root = replaysRoot(this.d.cfg.dataDir);
    for (const id of ids) {
      const dir = join(root, id);
      const files = await readdir(dir).catch(() => [] as string[]);
      counts.replayFrames += files.filter((f) => f.endsWith('.jpg')).length;
      await rm(dir, { recursive: true, force: true });
    }
    counts.replays += await this.d.repos.retention.deleteReplays(ids);
  }

  /** The oldest audit entries, batch by batch; the chain keeps an anchor, so it still verifies. */
  private async purgeAudit(cutoff: number, batch: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const r = await this.d.repos.audit.purgeBefore(cutoff, batch);
      deleted += r.deleted;
      // A broken chain is evidence of tampering: it is kept, and the run fails loudly.
      if (r.refused)
        throw new Error(`audit chain broken at entry ${r.refused.id}: ${r.refused.problem}; audit entries not purged`);
      if (r.deleted < batch) return deleted;
    }
  }

  /** Cameras registered through the API and those of the configuration file. */
  private async liveCameraIds(): Promise<string[]> {
    const ids = new Set(this.d.cfg.cameras.map((c) => c.id));
    for (const c of await this.d.repos.cameras.all()) ids.add(c.id);
    return [...ids];
  }

  /** The last run, as the retention worker recorded it; null before the first. */
  async lastRun(): Promise<RetentionRun | null> {
    const text = await this.d.repos.settings.get(RETENTION_LAST_RUN);
    const parsed = text ? retentionRunSchema.safeParse(JSON.parse(text)) : null;
    return parsed?.success ? parsed.data : null;
  }
}
