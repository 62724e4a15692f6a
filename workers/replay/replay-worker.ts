import { readFileSync } from 'node:fs';
import { UnrecoverableError, type Job } from 'bullmq';
import { fixtures } from '../../fixtures/index.js';
import { GalleryFolderError } from '../../models/index.js';
import { parseTruth } from '../../pipeline/evaluation/index.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { identifyVoteRule } from '../../pipeline/track-votes.js';
import {
  replayFixturesSchema,
  replayOutcomeSchema,
  type ReplayJob,
  type ReplayOutcome,
  type ReplayProgress,
  type ReplayResult,
} from '../../pipeline/replay.js';
import { UnsupportedVideoError } from '../../runtime/ffmpeg/probe-video.js';
import { registerHandlers, startConsumer } from '../../runtime/queues.js';
import { workerConnection } from '../../runtime/redis.js';
import { watchRedis } from '../../runtime/redis-health.js';
import type { RunningWorker, WorkerContext } from '../worker-context.js';
import { evaluateReplay } from './replay-evaluation.js';
import { loadReplayModels, runReplay, type ReplayModels } from './run-replay.js';

/** How often a running replay reports its progress on its job. */
const PROGRESS_EVERY_MS = 1000;

/** The footage fixtures this worker can read, as the API lists them (it copies their paths into its jobs). */
function fixtureCatalogue() {
  return replayFixturesSchema.parse(
    fixtures.map((f) => ({
      name: f.name,
      durationSec: f.truth().durationSec,
      video: f.video,
      gallery: f.gallery,
      truthFile: f.truthFile,
    })),
  );
}

/**
 * One replay job: the footage through the same ingest, detect and identify code as
 * `watchpost replay`, watched for with exactly what the job names. Progress goes on
 * the job; the timeline (and, with truth, its evaluation) is the job's return value.
 * The API records both; this worker never opens its database.
 */
export async function processReplay(
  data: ReplayJob,
  job: Pick<Job, 'updateProgress'>,
  ctx: WorkerContext & { models: ReplayModels; signal?: AbortSignal },
): Promise<ReplayOutcome> {
  const { cfg, log, models } = ctx;
  const w = data.watchlist;
  // Descriptors of another embedder cannot be compared with this one's (an empty list has none to compare).
  if (w.kind === 'identities' && w.identities.length && w.embedder !== models.faceChain.embedderId)
    throw new UnrecoverableError(
      `the replay's watchlist was enrolled with embedder '${w.embedder}', this worker runs '${models.faceChain.embedderId}'`,
    );
  let last = 0;
  const report = (p: ReplayProgress) => {
    if (Date.now() - last < PROGRESS_EVERY_MS) return;
    last = Date.now();
    job.updateProgress(p).catch((err: unknown) => log.warn({ err }, 'could not report replay progress'));
  };
  let result: ReplayResult;
  try {
    result = await runReplay({
      cfg,
      log,
      video: data.video,
      ...(w.kind === 'gallery' ? { galleryDir: w.dir } : { watchlist: { source: w.source, identities: w.identities } }),
      redisUrl: ctx.redisUrl,
      replayId: data.replayId,
      cameraId: `replay-${data.replayId}`,
      models,
      signal: ctx.signal,
      onProgress: report,
    });
  } catch (err) {
    if (err instanceof UnsupportedVideoError || err instanceof GalleryFolderError)
      throw new UnrecoverableError(err.message);
    throw err;
  }
  if (ctx.signal?.aborted) throw new Error('the replay worker stopped during the replay');
  await job.updateProgress({ frames: result.frames, total: result.frames, mediaSec: result.durationSec });
  const truth = data.truthFile
    ? parseTruth(JSON.parse(readFileSync(data.truthFile, 'utf8')), data.truthFile)
    : undefined;
  const { evaluation } = evaluateReplay(result, {
    threshold: models.faceChain.matchThreshold,
    votes: identifyVoteRule(cfg.identify),
    truth,
  });
  return replayOutcomeSchema.parse({ result, ...(evaluation ? { evaluation } : {}) });
}

/**
 * `watchpost worker replay`: analysts' replays queued by the API, one at a time per
 * process (a replay keeps a core busy; scale with more processes). The models are
 * loaded once; each replay runs on keys of its own.
 */
export async function startReplayWorker(ctx: WorkerContext): Promise<RunningWorker> {
  const { cfg, log } = ctx;
  const models = await loadReplayModels(cfg, log);
  const connection = watchRedis(workerConnection(ctx.redisUrl), log);
  // The dashboard lists the fixtures from here: written whenever Redis (re)connects, which may be after start-up.
  const catalogue = JSON.stringify(fixtureCatalogue());
  const publishFixtures = () =>
    void connection.set(globalKeys(cfg.redisPrefix).replayFixtures, catalogue).catch((err: unknown) => {
      log.debug({ err: (err as Error).message }, 'replay fixtures not published yet');
    });
  connection.on('ready', publishFixtures);
  const stop = new AbortController();
  const processor = registerHandlers(QUEUE.replays, {
    [JOB.replay]: (data, job) => processReplay(data, job, { ...ctx, models, signal: stop.signal }),
  });
  const worker = await startConsumer(QUEUE.replays, processor, { cfg, connection }, { concurrency: 1, log });
  log.info({ embedder: models.faceChain.embedderId }, 'replay worker started');
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        // A replay can take minutes: it stops where it is and fails, to be tried again by a worker that stays.
        stop.abort();
        await worker.close();
        await connection.quit();
      })();
      return closing;
    },
  };
}
