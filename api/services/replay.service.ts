import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fixtures, type FootageFixture } from '../../fixtures/index.js';
import type { Config } from '../../pipeline/config/index.js';
import type { Logger } from '../../runtime/logger.js';
import type { ReplayModels, ReplayOptions, ReplayResult } from '../../workers/replay/index.js';
import type { ReplayDto } from '../dto/replay.dto.js';
import { HttpProblem } from '../../runtime/problem.js';
import { actorName, type AuditContext } from '../../audit/audit-context.js';

export interface ReplayServiceDeps {
  cfg: Config;
  log: Logger;
  redisUrl: string;
  /** Replays waiting behind the running one before new ones are refused. */
  maxQueued?: number;
}

interface Job {
  record: ReplayDto;
  video: string;
  /** Uploaded footage is deleted after its run (bystanders are on it). */
  uploaded: boolean;
  fixture: FootageFixture | null;
  started: number;
}

const THUMB = /^data:image\/jpeg;base64,(.+)$/;

/**
 * Analysts' replays inside the API process: one at a time, in order, a bounded
 * queue; each runs through the real pipeline on keys of its own (workers/replay), so
 * its alerts carry its replayId and never reach the alert journal or officers.
 * Records and best-frame JPEGs are kept in `<dataDir>/replays`.
 */
export class ReplayService {
  private readonly dir: string;
  private readonly records = new Map<string, ReplayDto>();
  private readonly queue: Job[] = [];
  private running: Promise<void> | null = null;
  private models: Promise<ReplayModels> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly d: ReplayServiceDeps) {
    this.dir = join(resolve(d.cfg.dataDir), 'replays');
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir).filter((n) => n.endsWith('.json'))) {
      const r = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as ReplayDto;
      // A run the process did not finish will not finish now.
      if (r.status === 'queued' || r.status === 'running')
        Object.assign(r, {
          status: 'failed',
          error: 'interrupted: the API stopped during the replay',
          finishedAt: r.finishedAt ?? r.createdAt,
        });
      this.records.set(r.id, r);
    }
  }

  fixtures(): Array<{ name: string; durationSec: number }> {
    return fixtures.map((f) => ({ name: f.name, durationSec: f.truth().durationSec }));
  }

  list(): Omit<ReplayDto, 'result'>[] {
    return [...this.records.values()]
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .map(({ result: _r, ...summary }) => summary);
  }

  get(id: string): ReplayDto {
    const r = this.records.get(id);
    if (!r) throw new HttpProblem(404, 'Not Found', `no replay ${id}`);
    return r;
  }

  /** The best frame of a finished replay's track, as JPEG bytes. */
  bestFrame(id: string, track: string): Buffer {
    this.get(id);
    const file = join(this.dir, id, `track-${Number(track)}.jpg`);
    if (!existsSync(file)) throw new HttpProblem(404, 'Not Found', `replay ${id} has no best frame for track ${track}`);
    return readFileSync(file);
  }

  /** Queues a fixture's footage, replayed with the fixtures' gallery and scored against its truth. */
  async submitFixture(ctx: AuditContext, name: string): Promise<{ id: string }> {
    const fixture = fixtures.find((f) => f.name === name);
    if (!fixture) throw new HttpProblem(400, 'Bad Request', `no fixture ${name}; GET /v1/replays/fixtures lists them`);
    return this.enqueue(ctx.actor, { source: fixture.name, video: fixture.video, uploaded: false, fixture });
  }

  /** Queues an uploaded video (watched against the fixtures' gallery); refused at once when it is not footage. */
  async submitUpload(ctx: AuditContext, bytes: Buffer, fileName: string): Promise<{ id: string }> {
    if (!bytes?.length)
      throw new HttpProblem(400, 'Bad Request', 'send the video as the request body (Content-Type video/*)');
    const { probeVideo, UnsupportedVideoError } = await import('../../workers/replay/index.js');
    const id = randomBytes(6).toString('hex');
    mkdirSync(join(this.dir, id), { recursive: true });
    const video = join(this.dir, id, 'upload.video');
    writeFileSync(video, bytes);
    try {
      await probeVideo(video);
    } catch (err) {
      rmSync(join(this.dir, id), { recursive: true, force: true });
      if (err instanceof UnsupportedVideoError)
        throw new HttpProblem(400, 'Bad Request', err.message.replaceAll(video, fileName));
      throw err;
    }
    return this.enqueue(ctx.actor, { source: fileName, video, uploaded: true, fixture: null }, id);
  }

  private enqueue(
    actor: AuditContext['actor'],
    job: { source: string; video: string; uploaded: boolean; fixture: FootageFixture | null },
    id = randomBytes(6).toString('hex'),
  ): { id: string } {
    const max = this.d.maxQueued ?? 4;
    if (this.queue.length >= max) {
      if (job.uploaded) rmSync(join(this.dir, id), { recursive: true, force: true });
      throw new HttpProblem(
        503,
        'Service Unavailable',
        `${max} replays are already waiting; try again when one has finished`,
      );
    }
    const record: ReplayDto = {
      id,
      status: 'queued',
      source: job.source,
      createdAt: Date.now(),
      createdBy: actorName(actor),
      finishedAt: null,
      error: null,
      progress: { frames: 0, total: 0, fps: 0, etaSec: null },
    };
    this.records.set(id, record);
    this.save(record);
    this.queue.push({ record, video: job.video, uploaded: job.uploaded, fixture: job.fixture, started: 0 });
    this.running ??= this.drain();
    return { id };
  }

  private async drain(): Promise<void> {
    try {
      for (let job = this.queue.shift(); job && !this.abort.signal.aborted; job = this.queue.shift())
        await this.run(job);
    } finally {
      this.running = null;
    }
  }

  private async run(job: Job): Promise<void> {
    const { record } = job;
    const replay = await import('../../workers/replay/index.js');
    record.status = 'running';
    job.started = performance.now();
    this.save(record);
    try {
      this.models ??= replay.loadReplayModels(this.d.cfg, this.d.log);
      this.models.catch(() => (this.models = null));
      const models = await this.models;
      const opts: ReplayOptions = {
        cfg: this.d.cfg,
        log: this.d.log,
        video: job.video,
        galleryDir: job.fixture?.gallery ?? fixtures[0]!.gallery,
        redisUrl: this.d.redisUrl,
        replayId: record.id,
        cameraId: `replay-${record.id}`,
        models,
        signal: this.abort.signal,
        onProgress: (p) => {
          const fps = p.frames / Math.max((performance.now() - job.started) / 1000, 1e-3);
          record.progress = {
            frames: p.frames,
            total: p.total,
            fps: Math.round(fps * 10) / 10,
            etaSec: fps > 0 ? Math.round((p.total - p.frames) / fps) : null,
          };
        },
      };
      const result = await replay.runReplay(opts);
      if (this.abort.signal.aborted) throw new Error('cancelled: the API stopped during the replay');
      const evaluation = job.fixture
        ? replay.evaluateReplay(result, {
            threshold: models.faceChain.matchThreshold,
            votes: { k: this.d.cfg.identify.votesK, n: this.d.cfg.identify.votesN },
            truth: job.fixture.truth(),
          }).evaluation
        : null;
      record.result = this.toResult(record.id, result, evaluation);
      record.progress = { ...record.progress, frames: result.frames, total: result.frames, etaSec: 0 };
      record.status = 'done';
    } catch (err) {
      record.status = 'failed';
      record.error = (err as Error).message;
      this.d.log.warn({ replayId: record.id, err: record.error }, 'replay failed');
    } finally {
      record.finishedAt = Date.now();
      this.save(record);
      if (job.uploaded) rmSync(job.video, { force: true });
    }
  }

  /** What the dashboard reads; best frames move out of the record into files served by their own route. */
  private toResult(id: string, r: ReplayResult, evaluation: unknown): NonNullable<ReplayDto['result']> {
    mkdirSync(join(this.dir, id), { recursive: true });
    const tracks = r.tracks.map((t) => {
      const jpeg = t.best?.thumbnail && THUMB.exec(t.best.thumbnail)?.[1];
      if (jpeg) writeFileSync(join(this.dir, id, `track-${t.id}.jpg`), Buffer.from(jpeg, 'base64'));
      return {
        id: String(t.id),
        identity: t.identity,
        start: t.start,
        end: t.end,
        ...(jpeg ? { bestFrameUrl: `/v1/replays/${id}/tracks/${t.id}/best-frame` } : {}),
      };
    });
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

  /** Written whole then renamed: a crash never leaves half a record. */
  private save(r: ReplayDto): void {
    const file = join(this.dir, `${r.id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(r));
    renameSync(`${file}.tmp`, file);
  }

  /** Stops the running replay (it ends as failed: aborted) and drops the waiting ones. */
  async close(): Promise<void> {
    this.abort.abort();
    for (const job of this.queue.splice(0)) {
      Object.assign(job.record, { status: 'failed', error: 'cancelled: the API stopped', finishedAt: Date.now() });
      this.save(job.record);
    }
    await this.running;
  }
}
