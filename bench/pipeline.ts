/**
 * Pipeline benchmark: the whole chain as separate processes (`watchpost worker ingest`,
 * `worker detect` (`--detect-workers`, default 1), `worker identify`) on a private redis-server, cameras that loop
 * the `enrolled-walk-in` fixture at its own pace (file cameras, like live ones).
 *  1. raw model costs, in this process, on the fixture's frames: person detection per
 *     frame, face chain (detect + landmarks + descriptor) per head region;
 *  2. saturation: 8 lossless feeds at once, two per partition (the fixture 3x over each), timed from
 *     the first frame queued (feedStartSec: the ffmpeg start-ups before it); the pipeline's frames/s against the bound
 *     those raw costs allow (measured before and right after the feeds, averaged;
 *     model time per frame = detection x share of frames not
 *     gated away + face chain x identify jobs per frame), over the whole run and in the
 *     steady state (between 15% and 85% of the frames done: no start-up, no drain);
 *  3. throughput: 1, 2, ... live 5 fps cameras, each step held `--step` seconds; a step
 *     is sustained when under 2% of frames are dropped and the detect queues do not grow;
 *     CPU split by stage (process trees, ffmpeg counted with ingest);
 *  4. latency at the highest sustained camera count, over at least `--appearances` walk-ins:
 *     from the first frame in which the enrolled face is visible to the match event;
 *  5. 4 live cameras for `--duration` seconds: Redis memory (sampled every 5 s), and the
 *     same latency on an overloaded machine.
 *
 *   npm run bench:pipeline [-- --json] [-- --duration 600] [-- --step 30] [-- --max-cameras 6]
 *                          [-- --appearances 20] [-- --threads N (models.threads)] [-- --detect-workers 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { fixture } from '../fixtures/index.js';
import { closeAllSessions, decodeImage, FaceChain, PersonDetector } from '../models/index.js';
import { headRegion } from '../pipeline/best-frame.js';
import { configSchema } from '../pipeline/config/index.js';
import type { MatchEvent } from '../pipeline/events.js';
import { JOB, partitionOf, QUEUE } from '../pipeline/queues.js';
import { redisKeys } from '../pipeline/redis-keys.js';
import { startEmbeddedRedis } from '../runtime/embedded-redis.js';
import { requireFfmpeg } from '../runtime/system-tools.js';
import { startFfmpegFrames } from '../runtime/ffmpeg/ffmpeg-frames.js';
import { openDetectQueues, openQueue, registerHandlers, startConsumer } from '../runtime/queues.js';
import { workerConnection } from '../runtime/redis.js';
import { publishGalleryWatchlist } from '../test/e2e/watchlist-publisher.js';
import { counterValue, WorkerProcess } from '../test/e2e/worker-process.js';
import { ingestFile } from '../workers/ingest/index.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
};
const json = args.includes('--json');
const DURATION_SEC = flag('duration', 600);
const STEP_SEC = flag('step', 30);
const MAX_CAMERAS = flag('max-cameras', 6);
const APPEARANCES = flag('appearances', 20);
// One detect process runs a model copy per core already: a second one on the same cores
// only adds inference threads that preempt each other (8 feeds of the clip played once:
// 46-50 frames/s with two processes, 54-55 with one; on a busier day 49.4 and 48.6).
const DETECT_WORKERS = flag('detect-workers', 1);
const THREADS = args.includes('--threads') ? Number(args[args.indexOf('--threads') + 1]) : undefined;
if (THREADS !== undefined && !(Number.isInteger(THREADS) && THREADS >= 0))
  throw new Error('--threads needs a whole number (0: onnxruntime default)');
const FPS = 5;
const PARTITIONS = 4;
const SAT_FEEDS = 8;
/** Each saturation feed plays the walk-in fixture this many times over (one file, one ffmpeg). */
const SAT_REPEATS = 3;
const TICK_HZ = 100; // Linux clock ticks per second (/proc)
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * CPU ticks of a process and all its descendants (ffmpeg children of the ingest worker),
 * including children that have exited and been reaped (cutime, cstime): the feeds'
 * ffmpeg processes end with their file, before the tree is read again.
 */
function treeTicks(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(name), {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      });
    } catch {
      // exited while we looked
    }
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    sum += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) stack.push(child);
  }
  return sum;
}

/** CPU ticks of this process alone (all its threads): the feeds' publishing, without their ffmpeg. */
function ownTicks(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** Camera ids spread over the detect partitions (each partition is consumed in order, one job at a time). */
function cameraIds(n: number, prefix = 'cam-'): string[] {
  const ids: string[] = [];
  for (let k = 0; ids.length < n; k++) {
    const id = `${prefix}${k}`;
    if (partitionOf(id, PARTITIONS) === ids.length % PARTITIONS && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

const modelsCfg = THREADS === undefined ? {} : { threads: THREADS };
const walkIn = fixture('enrolled-walk-in');
const truth = walkIn.truth();
const appearance = truth.appearances.find((a) => a.identity)!;

async function rawModelCosts() {
  progress('raw model costs on the fixture frames (this process)');
  const cfg = configSchema.parse({ log: { level: 'silent' }, models: modelsCfg });
  const jpegs: Buffer[] = [];
  const src = startFfmpegFrames({ url: walkIn.video, fps: FPS, maxWidth: 1280, jpegQuality: 4 });
  for await (const ev of src.frames) if (ev.type === 'frame') jpegs.push(ev.jpeg);
  await src.exited;
  const detector = await PersonDetector.create(cfg);
  const chain = await FaceChain.create(cfg);
  const detectMs: number[] = [];
  const decodeMs: number[] = [];
  const faceMs: number[] = [];
  // Every second frame of the clip: people and empty frames in their real proportions.
  for (const [i, jpeg] of jpegs.entries()) {
    if (i % 2) continue;
    let t = performance.now();
    const img = await decodeImage(jpeg);
    decodeMs.push(performance.now() - t);
    t = performance.now();
    const persons = await detector.detect(img);
    detectMs.push(performance.now() - t);
    for (const p of persons.slice(0, 2)) {
      t = performance.now();
      await chain.describeAll(img, headRegion(p.box, img));
      faceMs.push(performance.now() - t);
    }
  }
  await closeAllSessions();
  // The first runs warm up onnxruntime: medians leave them out.
  return {
    frames: detectMs.length,
    decodeMs: median(decodeMs),
    detectMs: median(detectMs.slice(3)),
    faceChainMs: median(faceMs.slice(3)),
    faceRegions: faceMs.length,
  };
}

async function main() {
  const raw = await rawModelCosts();
  const redisServer = await startEmbeddedRedis();
  const redis = new Redis(redisServer.url);
  const prefix = 'bench';
  const keys = redisKeys(prefix, PARTITIONS);
  const dir = mkdtempSync(join(tmpdir(), 'wp-bench-pipeline-'));
  const configFile = join(dir, 'watchpost.yaml');
  const cfgInput = {
    ingest: { fps: FPS },
    detect: { partitions: PARTITIONS },
    models: modelsCfg,
    log: { format: 'json' as const, level: 'warn' as const },
  };
  writeFileSync(configFile, stringify(cfgInput));
  const cfg = configSchema.parse({ ...cfgInput, redisPrefix: prefix });
  const env = {
    REDIS_URL: redisServer.url,
    WATCHPOST_REDIS_PREFIX: prefix,
    WATCHPOST_CONFIG: configFile,
    LOG_LEVEL: 'info',
  };
  const procs = {
    detect: Array.from({ length: DETECT_WORKERS }, () => new WorkerProcess('detect', env)),
    identify: [new WorkerProcess('identify', env)],
    ingest: [new WorkerProcess('ingest', env)],
  };
  const all = Object.values(procs).flat();
  let consumer: Worker | null = null;
  const consumerConnection = workerConnection(redisServer.url);
  try {
    progress(`starting workers (${DETECT_WORKERS} detect, identify, ingest)`);
    await Promise.all(all.map((p) => p.ready()));
    // Publish the fixture's gallery as the watchlist for every camera (global).
    await publishGalleryWatchlist(cfg, redisServer.url, walkIn.gallery);
    const matches: { event: MatchEvent; receivedAt: number }[] = [];
    consumer = await startConsumer(
      QUEUE.alerts,
      registerHandlers(QUEUE.alerts, {
        [JOB.match]: async (event) => void matches.push({ event, receivedAt: Date.now() }),
        [JOB.cameraOffline]: async () => undefined,
        [JOB.cameraOnline]: async () => undefined,
      }),
      { cfg, connection: consumerConnection },
    );

    const stageTicks = () =>
      Object.fromEntries(
        Object.entries(procs).map(([stage, ps]) => [stage, ps.reduce((s, p) => s + treeTicks(p.pid), 0)]),
      ) as Record<keyof typeof procs, number>;
    const redisTicks = async () => {
      const info = await redis.info('cpu');
      const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return (get('used_cpu_sys') + get('used_cpu_user')) * TICK_HZ;
    };
    const metricSum = async (ps: WorkerProcess[], name: string, labels: Record<string, string> = {}) => {
      let n = 0;
      for (const p of ps) n += counterValue(await p.metrics(), name, labels);
      return n;
    };
    const detectQueues = openDetectQueues({ cfg, connection: redis });
    const detectWaiting = async () => {
      let n = 0;
      for (const q of detectQueues.partitions) n += (await q.queue.getJobCounts('waiting')).waiting ?? 0;
      return n;
    };

    /** What Redis holds, by kind of key (MEMORY USAGE): what stays bounded, and by what. */
    const memoryByKind = async () => {
      const kinds: Record<string, { keys: number; mb: number }> = {};
      const kindOf = (key: string, ttl: number) => {
        const rest = key.slice(prefix.length + 1);
        if (rest.startsWith('frame:')) return ttl > cfg.ingest.frameTtlSeconds ? 'evidenceFrames' : 'frames';
        if (rest.startsWith('face:')) return 'faceCrops';
        if (rest.startsWith('bull:')) return 'queues';
        if (rest.startsWith('track:')) return 'trackVotesAndMatches';
        if (rest.startsWith('tracks:')) return 'trackLogs';
        return 'other';
      };
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        const info = await redis
          .pipeline(
            batch.flatMap((k) => [
              ['memory', 'usage', k],
              ['ttl', k],
            ]),
          )
          .exec();
        batch.forEach((key, i) => {
          const kind = kindOf(key, Number(info?.[2 * i + 1]?.[1] ?? -1));
          kinds[kind] ??= { keys: 0, mb: 0 };
          kinds[kind].keys++;
          kinds[kind].mb += Number(info?.[2 * i]?.[1] ?? 0) / 1024 / 1024;
        });
      } while (cursor !== '0');
      for (const k of Object.values(kinds)) k.mb = round(k.mb, 2);
      return kinds;
    };

    // 2. Saturation, lossless: as fast as the pipeline goes.
    progress(`saturation: ${SAT_FEEDS} lossless feeds of the walk-in fixture, ${SAT_REPEATS}x over`);
    // A camera's ffmpeg starts once and then runs for days: feeds of one 20 s clip spent
    // 6% of the run starting 8 ffmpeg processes (startLossSec). Three plays in one file
    // (stream copy, the same frames) bring the start-up nearer what it is live.
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
    const satIds = cameraIds(SAT_FEEDS, 'sat-cam-');
    const gated0 = {
      detected: await metricSum(procs.detect, 'watchpost_motion_gate_frames_total', { outcome: 'detected' }),
      skipped: await metricSum(procs.detect, 'watchpost_motion_gate_frames_total', { outcome: 'skipped' }),
    };
    const identify0 = await metricSum(procs.identify, 'watchpost_job_duration_seconds_count', { queue: 'identify' });
    // Frames done, in all and by feed. One scrape per detect process and second: scraping
    // costs the workers CPU, so the progress is sampled sparsely and the steady window's
    // ends are interpolated.
    const framesDone = async () => {
      let done = -gated0.detected - gated0.skipped;
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
    const progressSamples: { t: number; done: number; byFeed: number[] }[] = [];
    let feeding = true;
    const sampler = (async () => {
      while (feeding) {
        progressSamples.push({ t: performance.now(), ...(await framesDone()) });
        await sleep(1000);
      }
    })();
    const satTicks0 = stageTicks();
    const satRedis0 = await redisTicks();
    const satOwn0 = treeTicks(process.pid);
    const satSelf0 = ownTicks();
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
        ingestFile({ cfg, redisUrl: redisServer.url, path: satVideo, cameraId: id, replayId: `sat-${id}`, onFrame }),
      ),
    );
    const satFrames = fed.reduce((s, r) => s + r.frames, 0);
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
    const satEnd = performance.now();
    const satSec = (satEnd - satStart) / 1000;
    const satTicks1 = stageTicks();
    // CPU per frame by stage, in ms; the feeds (ffmpeg + publishing) run in this process.
    const cpuMsPerFrame = Object.fromEntries(
      Object.keys(satTicks0).map((k) => [
        k,
        round(
          ((satTicks1[k as keyof typeof satTicks1] - satTicks0[k as keyof typeof satTicks0]) * (1000 / TICK_HZ)) /
            satFrames,
        ),
      ]),
    );
    const redisSat = (await redisTicks()) - satRedis0;
    const workersSat = Object.keys(satTicks0).reduce(
      (sum, k) => sum + satTicks1[k as keyof typeof satTicks1] - satTicks0[k as keyof typeof satTicks0],
      0,
    );
    // This process's tree holds the workers and redis-server too: the rest is the feeds (ffmpeg, publishing).
    cpuMsPerFrame.feeds = round(
      ((treeTicks(process.pid) - satOwn0 - workersSat - redisSat) * (1000 / TICK_HZ)) / satFrames,
    );
    // Of which publishing (this process: storing frames, queueing them, waiting for slots); the rest is ffmpeg.
    cpuMsPerFrame.feedsPublishing = round(((ownTicks() - satSelf0) * (1000 / TICK_HZ)) / satFrames);
    cpuMsPerFrame.redis = round((redisSat * (1000 / TICK_HZ)) / satFrames);
    feeding = false;
    await sampler;
    progressSamples.push({ t: performance.now(), ...(await framesDone()) });
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
    const rawAfter = await rawModelCosts();
    const rawMean = {
      detectMs: (raw.detectMs + rawAfter.detectMs) / 2,
      faceChainMs: (raw.faceChainMs + rawAfter.faceChainMs) / 2,
    };
    const modelMsPerFrame = (rawMean.detectMs * detected + rawMean.faceChainMs * identifyJobs) / satFrames;
    const pipelineFps = satFrames / satSec;
    const boundFps = 1000 / modelMsPerFrame;
    const saturation = {
      rawDetectMsBeforeAfter: [round(raw.detectMs), round(rawAfter.detectMs)],
      rawFaceChainMsBeforeAfter: [round(raw.faceChainMs), round(rawAfter.faceChainMs)],
      frames: satFrames,
      feedStartSec: round((satStart - launched) / 1000, 2),
      wallSec: round(satSec),
      pipelineFps: round(pipelineFps, 2),
      detectedShare: round(detected / satFrames, 3),
      skippedByMotionShare: round(skipped / satFrames, 3),
      identifyJobsPerFrame: round(identifyJobs / satFrames, 3),
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
    await identifyQueue.close();

    // 3. Throughput: live cameras step by step (the ingest worker follows the camera registry).
    const setCameras = async (ids: string[]) => {
      await redis.set(keys.cameraRegistry, JSON.stringify(ids.map((id) => ({ id, url: walkIn.video }))));
      await redis.publish(keys.cameraRegistryChanged, '1');
    };
    const steps: Record<string, number | boolean | Record<string, number>>[] = [];
    for (let n = 1; n <= MAX_CAMERAS; n++) {
      progress(`throughput: ${n} camera(s) at ${FPS} fps for ${STEP_SEC} s`);
      await setCameras(cameraIds(n));
      await sleep(5000);
      const c0 = await metricSum(procs.ingest, 'watchpost_frames_captured_total');
      const d0 = await metricSum(procs.ingest, 'watchpost_frames_dropped_total');
      const dd0 = await metricSum(procs.detect, 'watchpost_frames_dropped_total');
      const t0 = stageTicks();
      const r0 = await redisTicks();
      const q0 = await detectWaiting();
      await sleep(STEP_SEC * 1000);
      const captured = (await metricSum(procs.ingest, 'watchpost_frames_captured_total')) - c0;
      const dropped =
        (await metricSum(procs.ingest, 'watchpost_frames_dropped_total')) -
        d0 +
        (await metricSum(procs.detect, 'watchpost_frames_dropped_total')) -
        dd0;
      const t1 = stageTicks();
      const r1 = await redisTicks();
      const q1 = await detectWaiting();
      const cpuCores = Object.fromEntries(
        Object.keys(t0).map((s) => [
          s,
          round((t1[s as keyof typeof t1] - t0[s as keyof typeof t0]) / TICK_HZ / STEP_SEC, 2),
        ]),
      );
      cpuCores.redis = round((r1 - r0) / TICK_HZ / STEP_SEC, 2);
      const dropShare = captured ? dropped / captured : 1;
      const sustained = dropShare < 0.02 && q1 <= Math.max(q0, n);
      steps.push({
        cameras: n,
        capturedFps: round(captured / STEP_SEC, 1),
        dropShare: round(dropShare, 3),
        detectWaitingStart: q0,
        detectWaitingEnd: q1,
        sustained,
        cpuCores,
      });
      if (!sustained) break;
    }
    const maxCameras = steps.filter((s) => s.sustained).reduce((m, s) => Math.max(m, s.cameras as number), 0);

    // 4. Latency where the machine keeps up; 5. four cameras: Redis memory, latency overloaded.
    // A file camera plays the fixture in a loop at its own pace, numbering frames on from
    // its first one at FPS: a vote's frame number gives its place in the clip, its capture
    // time the wall clock of that loop, so the first frame with the whole face visible
    // (truth) is known per event.
    const faceStartSec = appearance.faceStart ?? appearance.start;
    const firstSeqs = async (since: number) => {
      const first = new Map<string, number>();
      for (const q of detectQueues.partitions) {
        for (const job of await q.queue.getJobs(['completed', 'active', 'waiting'], 0, 5000)) {
          const d = job?.data;
          if (d && d.ts >= since && !d.replayId)
            first.set(d.cameraId, Math.min(first.get(d.cameraId) ?? Number.POSITIVE_INFINITY, d.seq));
        }
      }
      return first;
    };
    const faceVisibleAt = (e: MatchEvent, first: Map<string, number>) => {
      const v = e.scores[0]!;
      const clipSec = ((v.seq - first.get(e.cameraId)!) / FPS) % truth.durationSec;
      return v.ts - (clipSec - faceStartSec) * 1000;
    };
    const liveRun = async (n: number, seconds: number, sampleMemory: boolean) => {
      // Fresh camera sessions: each starts the clip at its first frame (the latency clock above).
      await setCameras([]);
      await sleep(2000);
      await setCameras(cameraIds(n));
      const start = Date.now();
      const memory: number[] = [];
      let first = new Map<string, number>();
      while (Date.now() - start < seconds * 1000) {
        if (first.size < n) first = await firstSeqs(start);
        if (sampleMemory) memory.push(Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]));
        await sleep(Math.min(5000, Math.max(0, seconds * 1000 - (Date.now() - start))));
      }
      const breakdown = sampleMemory ? await memoryByKind() : null;
      await setCameras([]);
      await sleep(3000);
      // Appearances in whole loops of the run: each loop of each camera holds one.
      const loops = Math.floor(seconds / truth.durationSec);
      const phase = matches.filter(
        (m) =>
          m.event.firstSeen >= start &&
          m.event.firstSeen < start + loops * truth.durationSec * 1000 &&
          !m.event.replayId,
      );
      const latencies = phase
        .filter((m) => first.has(m.event.cameraId))
        .map((m) => m.receivedAt - faceVisibleAt(m.event, first));
      const fromTrackStart = phase.map((m) => m.receivedAt - m.event.firstSeen);
      const appearancesExpected = n * loops;
      return {
        memory,
        breakdown,
        report: {
          cameras: n,
          durationSec: seconds,
          appearancesExpected,
          matchEvents: phase.length,
          wrongIdentity: phase.filter((m) => m.event.name !== appearance.identity).length,
          latencyMs: {
            definition: 'match received - capture time of the first frame with the whole face visible (truth)',
            n: latencies.length,
            p50: Math.round(quantile(latencies, 0.5)),
            p95: Math.round(quantile(latencies, 0.95)),
            max: Math.round(Math.max(...latencies)),
          },
          latencyFromTrackStartMs: {
            p50: Math.round(quantile(fromTrackStart, 0.5)),
            p95: Math.round(quantile(fromTrackStart, 0.95)),
          },
        },
      };
    };
    const latencyCameras = Math.max(1, maxCameras);
    const latencySec = Math.ceil(APPEARANCES / latencyCameras) * truth.durationSec + 3;
    progress(`latency: ${latencyCameras} camera(s) for ${latencySec} s (at least ${APPEARANCES} appearances)`);
    const sustainedLatency = (await liveRun(latencyCameras, latencySec, false)).report;
    progress(`4 cameras for ${DURATION_SEC} s: Redis memory and latency`);
    const four = await liveRun(4, DURATION_SEC, true);
    const memory = four.memory;
    const third = Math.max(1, Math.floor(memory.length / 3));
    const memMb = (xs: number[]) => round(median(xs) / 1024 / 1024, 2);
    const result = {
      machine: {
        cores: cpus().length,
        model: cpus()[0]?.model,
        loadavg1: round(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]), 2),
        modelThreads: cfg.models.threads,
        detectWorkers: DETECT_WORKERS,
      },
      rawModelCosts: {
        ...raw,
        decodeMs: round(raw.decodeMs),
        detectMs: round(raw.detectMs),
        faceChainMs: round(raw.faceChainMs),
      },
      saturation,
      throughput: { steps, maxCamerasAt5fps: maxCameras },
      latencySustained: sustainedLatency,
      fourCameras: {
        ...four.report,
        redisMemoryByKindAtEnd: four.breakdown,
        redisUsedMemoryMb: {
          firstThird: memMb(memory.slice(0, third)),
          middleThird: memMb(memory.slice(third, -third)),
          lastThird: memMb(memory.slice(-third)),
          max: round(Math.max(...memory) / 1024 / 1024, 2),
          samples: memory.length,
        },
      },
    };
    await detectQueues.close();
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else printTable(result);
  } finally {
    await consumer?.close();
    consumerConnection.disconnect();
    await Promise.allSettled(all.map((p) => p.stop('SIGTERM')));
    redis.disconnect();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(r: Record<string, unknown>): void {
  const rows: [string, string][] = [];
  const walk = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(`${prefix}[${i}]`, x);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else rows.push([prefix, String(v)]);
  };
  walk('', r);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
