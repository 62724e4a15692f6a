import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../../fixtures/index.js';
import { QUEUE } from '../../pipeline/queues.js';
import { openQueue } from '../../runtime/queues.js';
import { requireFfmpeg } from '../../runtime/system-tools.js';
import { counterValue } from '../../test/e2e/worker-process.js';
import { ingestFile } from '../../workers/ingest/index.js';
import { type BenchContext, metricSum, redisTicks, stageTicks } from './context.js';
import { cameraIds, ownTicks, progress, round, sleep, TICK_HZ, treeTicks } from './measure.js';
import { rawModelCosts } from './raw-costs.js';

const walkIn = fixture('enrolled-walk-in');
const SAT_FEEDS = 8;
/** Each saturation feed plays the walk-in fixture this many times over (one file, one ffmpeg). */
const SAT_REPEATS = 3;

type RawCosts = Awaited<ReturnType<typeof rawModelCosts>>;

/** One file that plays the walk-in fixture SAT_REPEATS times over (stream copy: the same frames). */
function repeatedVideo(dir: string): string {
  // A camera's ffmpeg starts once and then runs for days: feeds of one 20 s clip spent
  // 6% of the run starting 8 ffmpeg processes (startLossSec). Three plays in one file
  // bring the start-up nearer what it is live.
  const satVideo = join(dir, 'walk-in-repeated.mp4');
  writeFileSync(join(dir, 'repeat.txt'), `file '${walkIn.video}'\n`.repeat(SAT_REPEATS));
  const concat = spawnSync(requireFfmpeg(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    join(dir, 'repeat.txt'),
    '-c',
    'copy',
    satVideo,
  ]);
  if (concat.status !== 0) throw new Error(`ffmpeg concat: ${concat.stderr.toString()}`);
  return satVideo;
}

/**
 * Frames done, in all and by feed, sampled once a second until stopped. One scrape per detect process
 * and second: scraping costs the workers CPU, so the progress is sampled sparsely and the steady
 * window's ends are interpolated.
 */
function progressSampler(procs: BenchContext['procs'], satIds: string[], doneBefore: number) {
  const framesDone = async () => {
    let done = -doneBefore;
    const byFeed = satIds.map(() => 0);
    for (const p of procs.detect) {
      const text = await p.metrics();
      for (const outcome of ['detected', 'skipped']) {
        done += counterValue(text, 'watchpost_motion_gate_frames_total', { outcome });
        for (const [i, camera] of satIds.entries())
          byFeed[i]! += counterValue(text, 'watchpost_motion_gate_frames_total', { outcome, camera });
      }
    }
    return { done, byFeed };
  };
  const samples: ProgressSample[] = [];
  let feeding = true;
  const sampling = (async () => {
    while (feeding) {
      samples.push({ t: performance.now(), ...(await framesDone()) });
      await sleep(1000);
    }
  })();
  return {
    /** Stops sampling, takes a last sample and gives them all. */
    async stop(): Promise<ProgressSample[]> {
      feeding = false;
      await sampling;
      samples.push({ t: performance.now(), ...(await framesDone()) });
      return samples;
    },
  };
}
type ProgressSample = { t: number; done: number; byFeed: number[] };

/** Until the detect partitions and then the identify queue (the last frames' jobs) have nothing waiting or active. */
async function drained(ctx: BenchContext): Promise<void> {
  const { cfg, redis, detectQueues } = ctx;
  const idle = async () => {
    for (const q of detectQueues.partitions)
      if (Object.values(await q.queue.getJobCounts('waiting', 'active')).some((n) => n > 0)) return false;
    return true;
  };
  while (!(await idle())) await sleep(100);
  // Identify jobs of the last frames may still run: wait for the identify queue too.
  const identifyQueue = openQueue(QUEUE.identify, { cfg, connection: redis });
  while (Object.values(await identifyQueue.queue.getJobCounts('waiting', 'active')).some((n) => n > 0))
    await sleep(100);
  await identifyQueue.close();
}

/** CPU per frame by stage, in ms, since `before`; the feeds (ffmpeg + publishing) run in this process. */
async function cpuPerFrame(
  ctx: BenchContext,
  before: { stages: ReturnType<typeof stageTicks>; redis: number; tree: number; own: number },
  satFrames: number,
): Promise<Record<string, number>> {
  const satTicks0 = before.stages;
  const satTicks1 = stageTicks(ctx);
  const cpuMsPerFrame = Object.fromEntries(
    Object.keys(satTicks0).map((k) => [
      k,
      round(
        ((satTicks1[k as keyof typeof satTicks1] - satTicks0[k as keyof typeof satTicks0]) * (1000 / TICK_HZ)) /
          satFrames,
      ),
    ]),
  );
  const redisSat = (await redisTicks(ctx)) - before.redis;
  const workersSat = Object.keys(satTicks0).reduce(
    (sum, k) => sum + satTicks1[k as keyof typeof satTicks1] - satTicks0[k as keyof typeof satTicks0],
    0,
  );
  // This process's tree holds the workers and redis-server too: the rest is the feeds (ffmpeg, publishing).
  cpuMsPerFrame.feeds = round(
    ((treeTicks(process.pid) - before.tree - workersSat - redisSat) * (1000 / TICK_HZ)) / satFrames,
  );
  // Of which publishing (this process: storing frames, queueing them, waiting for slots); the rest is ffmpeg.
  cpuMsPerFrame.feedsPublishing = round(((ownTicks() - before.own) * (1000 / TICK_HZ)) / satFrames);
  cpuMsPerFrame.redis = round((redisSat * (1000 / TICK_HZ)) / satFrames);
  return cpuMsPerFrame;
}

/**
 * Saturation, lossless: 8 feeds as fast as the pipeline goes, against the bound the raw
 * model costs allow (measured before, by the caller, and right after): model time per
 * frame = detection x detector runs per frame (regions) + face chain x identify jobs.
 */
export async function saturation(ctx: BenchContext, raw: RawCosts, modelsCfg: Record<string, unknown>) {
  const { cfg, procs, dir } = ctx;
  // 2. Saturation, lossless: as fast as the pipeline goes.
  progress(`saturation: ${SAT_FEEDS} lossless feeds of the walk-in fixture, ${SAT_REPEATS}x over`);
  const satVideo = repeatedVideo(dir);
  const satIds = cameraIds(SAT_FEEDS, 'sat-cam-');
  const regions0 = await metricSum(procs.detect, 'watchpost_detect_regions_total');
  const gated0 = {
    detected: await metricSum(procs.detect, 'watchpost_motion_gate_frames_total', { outcome: 'detected' }),
    skipped: await metricSum(procs.detect, 'watchpost_motion_gate_frames_total', { outcome: 'skipped' }),
  };
  const identify0 = await metricSum(procs.identify, 'watchpost_job_duration_seconds_count', { queue: 'identify' });
  const sampler = progressSampler(procs, satIds, gated0.detected + gated0.skipped);
  // CPU ticks before: of the stages, redis-server, this process's tree and this process alone.
  const ticks0 = {
    stages: stageTicks(ctx),
    redis: await redisTicks(ctx),
    tree: treeTicks(process.pid),
    own: ownTicks(),
  };
  const launched = performance.now();
  // The pipeline's clock starts with the first frame queued: before it, 8 ffmpeg
  // processes load (about 0.2 s of CPU each, 0.12 s of it linking their 215 libraries)
  // and no stage has anything to do. Reported apart as feedStartSec.
  let satStart = Infinity;
  const onFrame = () => {
    satStart = Math.min(satStart, performance.now());
  };
  const fed = await Promise.all(
    satIds.map((id) =>
      ingestFile({ cfg, redisUrl: ctx.redisUrl, path: satVideo, cameraId: id, replayId: `sat-${id}`, onFrame }),
    ),
  );
  const satFrames = fed.reduce((s, r) => s + r.frames, 0);
  await drained(ctx);
  const satEnd = performance.now();
  const satSec = (satEnd - satStart) / 1000;
  const cpuMsPerFrame = await cpuPerFrame(ctx, ticks0, satFrames);
  const progressSamples = await sampler.stop();
  /** When `share` of the frames were done, interpolated between the samples around it. */
  const crossing = (share: number) => {
    const target = share * satFrames;
    const i = progressSamples.findIndex((x) => x.done >= target);
    const [a, b] = [progressSamples[Math.max(0, i - 1)]!, progressSamples[i]!];
    return b.done === a.done ? b.t : a.t + ((b.t - a.t) * (target - a.done)) / (b.done - a.done);
  };
  const steadyFps = (0.7 * satFrames) / ((crossing(0.85) - crossing(0.15)) / 1000);
  // Seconds the first and last 15% of the frames took beyond what the steady pace needs: start-up and drain.
  const edgeSec = (0.15 * satFrames) / steadyFps;
  const startLossSec = (crossing(0.15) - satStart) / 1000 - edgeSec;
  const drainLossSec = satSec - (crossing(0.85) - satStart) / 1000 - edgeSec;
  const detected =
    (await metricSum(procs.detect, 'watchpost_motion_gate_frames_total', { outcome: 'detected' })) - gated0.detected;
  const skipped =
    (await metricSum(procs.detect, 'watchpost_motion_gate_frames_total', { outcome: 'skipped' })) - gated0.skipped;
  const identifyJobs =
    (await metricSum(procs.identify, 'watchpost_job_duration_seconds_count', { queue: 'identify' })) - identify0;
  // The raw costs again, right after: the bound uses both, so a neighbour's load that
  // came or went during the run moves it as much as it moves the pipeline.
  const rawAfter = await rawModelCosts(modelsCfg);
  const rawMean = {
    detectMs: (raw.detectMs + rawAfter.detectMs) / 2,
    faceChainMs: (raw.faceChainMs + rawAfter.faceChainMs) / 2,
  };
  const regionRuns = (await metricSum(procs.detect, 'watchpost_detect_regions_total')) - regions0;
  const modelMsPerFrame = (rawMean.detectMs * regionRuns + rawMean.faceChainMs * identifyJobs) / satFrames;
  const pipelineFps = satFrames / satSec;
  const boundFps = 1000 / modelMsPerFrame;
  const result = {
    rawDetectMsBeforeAfter: [round(raw.detectMs), round(rawAfter.detectMs)],
    rawFaceChainMsBeforeAfter: [round(raw.faceChainMs), round(rawAfter.faceChainMs)],
    frames: satFrames,
    feedStartSec: round((satStart - launched) / 1000, 2),
    wallSec: round(satSec),
    pipelineFps: round(pipelineFps, 2),
    detectedShare: round(detected / satFrames, 3),
    skippedByMotionShare: round(skipped / satFrames, 3),
    identifyJobsPerFrame: round(identifyJobs / satFrames, 3),
    /** Detector runs per frame: 1 on each detected frame in whole mode; tiles and motion crops change it. */
    detectorRunsPerFrame: round(regionRuns / satFrames, 3),
    modelMsPerFrame: round(modelMsPerFrame),
    boundFps: round(boundFps, 2),
    shareOfBound: round(pipelineFps / boundFps, 3),
    shareOfBoundFromLaunch: round(satFrames / ((satEnd - launched) / 1000) / boundFps, 3),
    cpuMsPerFrame,
    steadyFps: round(steadyFps, 2),
    steadyShareOfBound: round(steadyFps / boundFps, 3),
    startLossSec: round(startLossSec, 2),
    drainLossSec: round(drainLossSec, 2),
    /** Frames done at each progress sample, seconds after the first frame was queued. */
    progress: progressSamples.map((x) => [round((x.t - satStart) / 1000, 2), x.done]),
    /** When each feed's last frame was done (by the progress samples), seconds after the first frame was queued: how evenly the partitions shared the CPU. */
    feedDoneSec: satIds.map((_, i) =>
      round((progressSamples.find((x) => x.byFeed[i]! >= fed[i]!.frames)!.t - satStart) / 1000, 1),
    ),
    // The bound if every core ran models back to back with nothing else to do (ffmpeg, JPEG, Redis).
    steadyShareOfAllCoresBound: round(steadyFps / (boundFps * cpus().length), 3),
  };
  return result;
}
