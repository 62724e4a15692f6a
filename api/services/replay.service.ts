import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../../pipeline/config/index.js';
import { JOB } from '../../pipeline/queues.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import {
  replayFixturesSchema,
  type ReplayFixture,
  type ReplayJob,
  type ReplayWatchlist,
} from '../../pipeline/replay.js';
import { probeVideo, UnsupportedVideoError } from '../../runtime/ffmpeg/probe-video.js';
import type { Logger } from '../../runtime/logger.js';
import type { JobQueue } from '../../runtime/queues.js';
import type { ReplayTable } from '../../storage/database/database.types.js';
import type { ReplayDto, ReplaySummaryDto } from '../dto/replay.dto.js';
import { HttpProblem } from '../../runtime/problem.js';
import { actorName, type AuditContext } from '../../audit/audit-context.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { PerpetratorRepository } from '../../storage/repositories/perpetrator.repository.js';
import { type ReplayRepository, replaysRoot } from '../../storage/repositories/replay.repository.js';
import { caseWatchlist, CaseWatchlistError, enrolledWatchlist } from './case-watchlist.js';
import { openReplayDir, ReplayRecorder, replayDir } from './replay-recorder.js';

export interface ReplayServiceDeps {
  cfg: Config;
  log: Logger;
  /** Fail-fast connection (request paths). */
  redis: Redis;
  queue: JobQueue<'replays'>;
  repos: { replays: ReplayRepository; cases: CaseRepository; perpetrators: PerpetratorRepository };
  /** The embedder enrolment descriptors are made with (the API never loads the models for a replay). */
  embedderId: () => Promise<string>;
  /** Replays waiting for a replay worker before new ones are refused. */
  maxQueued?: number;
}

/** Replay jobs run long: a crashed worker's replay is tried once more, and finished jobs stay long enough to be recorded. */
const JOB_OPTIONS = { attempts: 2, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } };

const toDto = (r: Omit<ReplayTable, 'result'> & { result?: string | null }): ReplayDto => ({
  id: r.id,
  status: r.status as ReplayDto['status'],
  source: r.source,
  watchlist: r.watchlist,
  caseId: r.caseId,
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  finishedAt: r.finishedAt,
  error: r.error,
  progress: JSON.parse(r.progress) as ReplayDto['progress'],
  ...(r.result ? { result: JSON.parse(r.result) as ReplayDto['result'] } : {}),
});

/**
 * Analysts' replays, as the API sees them: it checks the request, resolves who to
 * watch for (a fixture's gallery, a case's perpetrators, or every enrolled one) into
 * the job, queues it for a replay worker (`watchpost worker replay`) and keeps the
 * record. The pipeline runs in the worker; this process loads no model for it.
 */
export class ReplayService {
  private readonly root: string;
  readonly recorder: ReplayRecorder;

  constructor(private readonly d: ReplayServiceDeps) {
    this.root = replaysRoot(d.cfg.dataDir);
    this.recorder = new ReplayRecorder({
      cfg: d.cfg,
      log: d.log,
      repo: d.repos.replays,
      queue: d.queue,
      root: this.root,
    });
  }

  /** Fixtures the replay workers advertise (none until one has started). */
  private async catalogue(): Promise<ReplayFixture[]> {
    const text = await this.d.redis.get(globalKeys(this.d.cfg.redisPrefix).replayFixtures);
    const parsed = text ? replayFixturesSchema.safeParse(JSON.parse(text)) : null;
    return parsed?.success ? parsed.data : [];
  }

  async fixtures(): Promise<Array<{ name: string; durationSec: number }>> {
    return (await this.catalogue()).map((f) => ({ name: f.name, durationSec: f.durationSec }));
  }

  async list(): Promise<ReplaySummaryDto[]> {
    return (await this.d.repos.replays.list()).map((r) => toDto(r));
  }

  async get(id: string): Promise<ReplayDto> {
    // A record still open is brought up to date from its job first (events may lag).
    await this.recorder.sync(id);
    const r = await this.d.repos.replays.get(id);
    if (!r) throw new HttpProblem(404, 'Not Found', `no replay ${id}`);
    return toDto(r);
  }

  /** The best frame of a finished replay's track, as JPEG bytes. */
  async bestFrame(id: string, track: string): Promise<Buffer> {
    if (!(await this.d.repos.replays.get(id))) throw new HttpProblem(404, 'Not Found', `no replay ${id}`);
    const file = join(replayDir(this.root, id), `track-${Number(track)}.jpg`);
    if (!existsSync(file)) throw new HttpProblem(404, 'Not Found', `replay ${id} has no best frame for track ${track}`);
    return readFileSync(file);
  }

  /** Queues a fixture's footage, scored against its truth; watched for with its gallery, or a case's perpetrators. */
  async submitFixture(ctx: AuditContext, name: string, caseId?: string): Promise<{ id: string }> {
    const fixture = (await this.catalogue()).find((f) => f.name === name);
    if (!fixture) throw new HttpProblem(400, 'Bad Request', `no fixture ${name}; GET /v1/replays/fixtures lists them`);
    const watch = caseId
      ? await this.caseWatch(caseId)
      : { watchlist: { kind: 'gallery' as const, dir: fixture.gallery }, label: `gallery of fixture ${name}` };
    const id = randomBytes(6).toString('hex');
    const job = { replayId: id, video: fixture.video, watchlist: watch.watchlist, truthFile: fixture.truthFile };
    return this.enqueue(ctx, job, { source: name, watchlist: watch.label, caseId: caseId ?? null, uploadPath: null });
  }

  /** Queues an uploaded video; refused at once when it is not footage. */
  async submitUpload(ctx: AuditContext, bytes: Buffer, fileName: string, caseId?: string): Promise<{ id: string }> {
    if (!bytes?.length)
      throw new HttpProblem(400, 'Bad Request', 'send the video as the request body (Content-Type video/*)');
    const watch = caseId ? await this.caseWatch(caseId) : await this.everyoneWatch();
    const id = randomBytes(6).toString('hex');
    const dir = await openReplayDir(this.root, id);
    const video = join(dir, 'upload.video');
    await writeFile(video, bytes, { mode: 0o600 });
    try {
      await probeVideo(video);
      return await this.enqueue(
        ctx,
        { replayId: id, video, watchlist: watch.watchlist },
        { source: fileName, watchlist: watch.label, caseId: caseId ?? null, uploadPath: video },
      );
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      if (err instanceof UnsupportedVideoError)
        throw new HttpProblem(400, 'Bad Request', err.message.replaceAll(video, fileName));
      throw err;
    }
  }

  private async caseWatch(caseId: string): Promise<{ watchlist: ReplayWatchlist; label: string }> {
    const embedder = await this.d.embedderId();
    try {
      const identities = await caseWatchlist(this.d.repos, caseId, embedder);
      const source = `case ${caseId}`;
      return { watchlist: { kind: 'identities', source, embedder, identities }, label: source };
    } catch (err) {
      if (err instanceof CaseWatchlistError) throw new HttpProblem(400, 'Bad Request', err.message);
      throw err;
    }
  }

  private async everyoneWatch(): Promise<{ watchlist: ReplayWatchlist; label: string }> {
    const embedder = await this.d.embedderId();
    const identities = await enrolledWatchlist(this.d.repos.perpetrators, embedder);
    const source = 'every enrolled perpetrator';
    return { watchlist: { kind: 'identities', source, embedder, identities }, label: source };
  }

  private async enqueue(
    ctx: AuditContext,
    job: ReplayJob,
    row: Pick<ReplayTable, 'source' | 'watchlist' | 'caseId' | 'uploadPath'>,
  ): Promise<{ id: string }> {
    const max = this.d.maxQueued ?? 4;
    if ((await this.d.queue.queue.getWaitingCount()) >= max)
      throw new HttpProblem(
        503,
        'Service Unavailable',
        `${max} replays are already waiting; try again when one has finished`,
      );
    const id = job.replayId;
    await this.d.repos.replays.insert({
      id,
      status: 'queued',
      ...row,
      createdAt: Date.now(),
      createdBy: actorName(ctx.actor),
      startedAt: null,
      finishedAt: null,
      error: null,
      progress: JSON.stringify({ frames: 0, total: 0, fps: 0, etaSec: null }),
      result: null,
    });
    try {
      await this.d.queue.add(JOB.replay, job, { ...JOB_OPTIONS, jobId: id });
    } catch (err) {
      await this.d.repos.replays.updateOpen(id, {
        status: 'failed',
        error: `could not be queued: ${(err as Error).message}`,
        finishedAt: Date.now(),
      });
      throw err;
    }
    return { id };
  }
}
