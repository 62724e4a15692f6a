import { settleWithin } from '../../runtime/settle-within.js';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../pipeline/config/index.js';
import { QUEUE } from '../../pipeline/queues.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { replayOutcomeSchema, replayProgressSchema, type ReplayResult } from '../../pipeline/replay.js';
import type { Logger } from '../../runtime/logger.js';
import { queueName, type JobQueue } from '../../runtime/queues.js';
import { queueErrorListener } from '../../runtime/redis-health.js';
import type { ReplayTable } from '../../storage/database/database.types.js';
import type { ReplayDto, ReplayResultDto } from '../dto/replay.dto.js';
import type { ReplayRepository } from '../../storage/repositories/replay.repository.js';

const THUMB = /^data:image\/jpeg;base64,(.+)$/;

/** Folder of one replay's files (its upload while it runs, its best frames after). */
export const replayDir = (root: string, id: string) => join(root, id);

/**
 * A replay's folder, made readable by the service only (0700, the replays folder too): uploads and
 * best frames show whoever was filmed. Its files are written 0600.
 */
export async function openReplayDir(root: string, id: string): Promise<string> {
  const dir = replayDir(root, id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
  await chmod(dir, 0o700);
  return dir;
}

/**
 * Writes what replay workers report into the API's replay records. A worker never
 * touches the database: it reports on its BullMQ job (progress while it runs, the
 * timeline as the job's return value), which BullMQ already keeps in Redis, retries
 * and survives restarts with. This API process follows the queue's events and, for
 * each, reads the job's state and writes the record; reading the state (not trusting
 * the event) makes a missed or repeated event harmless, and the same sync runs for
 * every open record at start-up and when one is read.
 */
export class ReplayRecorder {
  private events: QueueEvents | null = null;
  private readonly syncing = new Map<string, Promise<void>>();

  constructor(
    private readonly d: {
      cfg: Config;
      log: Logger;
      repo: ReplayRepository;
      queue: JobQueue<'replays'>;
      /** Where best frames are kept: `<root>/<replay id>/track-<n>.jpg`. */
      root: string;
    },
  ) {}

  /**
   * Follows the queue's events (on a connection of its own: it blocks reading them) and catches up on
   * open records in the background: the API starts and serves while Redis is away.
   */
  start(connection: Redis): void {
    this.events = new QueueEvents(queueName(QUEUE.replays), {
      connection,
      prefix: globalKeys(this.d.cfg.redisPrefix).bull(queueName(QUEUE.replays)),
    });
    // One line per state change of the connection (lost, restored), not a stack per retry.
    this.events.on('error', queueErrorListener(connection, this.d.log, queueName(QUEUE.replays)));
    for (const e of ['active', 'progress', 'completed', 'failed'] as const)
      this.events.on(e, ({ jobId }: { jobId: string }) => void this.sync(jobId));
    void (async () => {
      for (const { id } of await this.d.repo.open()) await this.sync(id);
    })().catch((err: unknown) => this.d.log.warn({ err }, 'could not catch up on open replays'));
  }

  /** Brings one open record up to date with its job; one sync per replay at a time. */
  sync(id: string): Promise<void> {
    const previous = this.syncing.get(id) ?? Promise.resolve();
    const next = previous
      .then(() => this.syncOnce(id))
      .catch((err: unknown) => this.d.log.warn({ replayId: id, err }, 'could not record the replay'))
      .finally(() => {
        if (this.syncing.get(id) === next) this.syncing.delete(id);
      });
    this.syncing.set(id, next);
    return next;
  }

  private async syncOnce(id: string): Promise<void> {
    const row = await this.d.repo.get(id);
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
    // The state first: a job read after it says completed has its return value (read before, it may not).
    const state = await this.d.queue.queue.getJobState(id);
    const job = state === 'unknown' ? undefined : await this.d.queue.queue.getJob(id);
    if (!job) return this.finish(row, { status: 'failed', error: 'the replay job is gone from the queue' });
    if (state === 'completed') return this.completed(row, job);
    if (state === 'failed') return this.finish(row, { status: 'failed', error: job.failedReason || 'failed' });
    if (state === 'active' || job.processedOn) {
      const progress = this.progressOf(job, JSON.parse(row.progress) as ReplayDto['progress']);
      await this.d.repo.updateOpen(id, {
        status: 'running',
        startedAt: job.processedOn ?? row.startedAt,
        progress: JSON.stringify(progress),
      });
    }
  }

  /** Frames done, rate and time left, from the progress the worker reported on the job. */
  private progressOf(job: Job, current: ReplayDto['progress']): ReplayDto['progress'] {
    const p = replayProgressSchema.safeParse(job.progress);
    if (!p.success || !job.processedOn) return current;
    const fps = p.data.frames / Math.max((Date.now() - job.processedOn) / 1000, 1e-3);
    return {
      frames: p.data.frames,
      total: p.data.total,
      fps: Math.round(fps * 10) / 10,
      etaSec: fps > 0 ? Math.round((p.data.total - p.data.frames) / fps) : null,
    };
  }

  private async completed(row: ReplayTable, job: Job): Promise<void> {
    const outcome = replayOutcomeSchema.safeParse(job.returnvalue);
    if (!outcome.success)
      return this.finish(row, {
        status: 'failed',
        error: `the replay worker returned an invalid result: ${outcome.error.issues[0]?.message}`,
      });
    const { result, evaluation } = outcome.data;
    const progress = JSON.parse(row.progress) as ReplayDto['progress'];
    await this.finish(row, {
      status: 'done',
      startedAt: job.processedOn ?? row.startedAt,
      progress: JSON.stringify({ ...progress, frames: result.frames, total: result.frames, etaSec: 0 }),
      result: JSON.stringify(await this.toResult(row.id, result, evaluation)),
    });
  }

  private async finish(row: ReplayTable, patch: Partial<ReplayTable>): Promise<void> {
    const changed = await this.d.repo.updateOpen(row.id, { ...patch, finishedAt: Date.now() });
    // Bystanders are on uploaded footage: it goes as soon as the replay has ended.
    if (changed && row.uploadPath) await rm(row.uploadPath, { force: true });
    if (changed && patch.status === 'failed') this.d.log.warn({ replayId: row.id, err: patch.error }, 'replay failed');
  }

  /** What the dashboard reads; best frames move out of the record into files served by their own route. */
  private async toResult(id: string, r: ReplayResult, evaluation: unknown): Promise<ReplayResultDto> {
    const dir = await openReplayDir(this.d.root, id);
    const tracks: ReplayResultDto['tracks'] = [];
    for (const t of r.tracks) {
      const jpeg = t.best?.thumbnail && THUMB.exec(t.best.thumbnail)?.[1];
      if (jpeg) await writeFile(join(dir, `track-${t.id}.jpg`), Buffer.from(jpeg, 'base64'), { mode: 0o600 });
      tracks.push({
        id: String(t.id),
        identity: t.identity,
        start: t.start,
        end: t.end,
        ...(jpeg ? { bestFrameUrl: `/v1/replays/${id}/tracks/${t.id}/best-frame` } : {}),
      });
    }
    return {
      frames: r.frames,
      durationSec: r.durationSec,
      ...(r.stoppedEarly ? { stoppedEarly: r.stoppedEarly } : {}),
      tracks,
      alerts: r.alerts.map((a) => ({
        replayId: id,
        identity: a.identity,
        t: a.t,
        distance: a.distance,
        track: a.track === null ? null : String(a.track),
      })),
      ...(evaluation ? { evaluation } : {}),
    };
  }

  async close(): Promise<void> {
    // QueueEvents waits on a reconnect while Redis is unreachable; shutdown must still finish.
    if (this.events) await settleWithin(this.events.close(), 3000);
    await Promise.all(this.syncing.values());
  }
}
