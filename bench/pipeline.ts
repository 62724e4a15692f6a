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
 *  Each of `--modes` (detect.regions; default whole,motion) runs phases 1-4 with its own
 *  workers, and a comparison table sets them side by side; phase 5 runs for the first mode only.
 *
 *   npm run bench:pipeline [-- --json] [-- --modes whole,motion,tiles] [-- --duration 600] [-- --step 30] [-- --max-cameras 6]
 *                          [-- --appearances 20] [-- --threads N (models.threads)] [-- --detect-workers 1]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { fixture } from '../fixtures/index.js';
import { type Config, configSchema } from '../pipeline/config/index.js';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { redisKeys } from '../pipeline/redis-keys.js';
import { type RegionMode, regionModeSchema } from '../pipeline/regions.js';
import { startEmbeddedRedis } from '../runtime/embedded-redis.js';
import { openDetectQueues, registerHandlers, startConsumer } from '../runtime/queues.js';
import { workerConnection } from '../runtime/redis.js';
import { publishGalleryWatchlist } from '../test/e2e/watchlist-publisher.js';
import { WorkerProcess } from '../test/e2e/worker-process.js';
import type { BenchContext } from './pipeline/context.js';
import { liveRun, throughput } from './pipeline/live.js';
import { FPS, median, PARTITIONS, printTable, progress, round } from './pipeline/measure.js';
import { rawModelCosts } from './pipeline/raw-costs.js';
import { saturation } from './pipeline/saturation.js';

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
const MODES = (args.includes('--modes') ? (args[args.indexOf('--modes') + 1] ?? '') : 'whole,motion')
  .split(',')
  .map((m) => regionModeSchema.parse(m));
const modelsCfg = THREADS === undefined ? {} : { threads: THREADS };
const walkIn = fixture('enrolled-walk-in');
const truth = walkIn.truth();

/** The workers' config file and environment for one detect.regions mode, and the config they read from it. */
function benchConfig(mode: RegionMode, dir: string, redisUrl: string, prefix: string) {
  const configFile = join(dir, 'watchpost.yaml');
  const cfgInput = {
    ingest: { fps: FPS },
    detect: { partitions: PARTITIONS, regions: mode },
    models: modelsCfg,
    log: { format: 'json' as const, level: 'warn' as const },
  };
  writeFileSync(configFile, stringify(cfgInput));
  const cfg = configSchema.parse({ ...cfgInput, redisPrefix: prefix });
  const env = { REDIS_URL: redisUrl, WATCHPOST_REDIS_PREFIX: prefix, WATCHPOST_CONFIG: configFile, LOG_LEVEL: 'info' };
  return { cfg, env };
}

/** What the figures were measured on. */
const machine = (cfg: Config) => ({
  cores: cpus().length,
  model: cpus()[0]?.model,
  loadavg1: round(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]), 2),
  modelThreads: cfg.models.threads,
  detectWorkers: DETECT_WORKERS,
});

/** Phase 5: four cameras for DURATION_SEC, with Redis memory over the run (it must not grow). */
async function fourCameras(ctx: BenchContext, mode: RegionMode) {
  progress(`[${mode}] 4 cameras for ${DURATION_SEC} s: Redis memory and latency`);
  const four = await liveRun(ctx, 4, DURATION_SEC, true);
  const memory = four.memory;
  const third = Math.max(1, Math.floor(memory.length / 3));
  const memMb = (xs: number[]) => round(median(xs) / 1024 / 1024, 2);
  return {
    ...four.report,
    redisMemoryByKindAtEnd: four.breakdown,
    redisUsedMemoryMb: {
      firstThird: memMb(memory.slice(0, third)),
      middleThird: memMb(memory.slice(third, -third)),
      lastThird: memMb(memory.slice(-third)),
      max: round(Math.max(...memory) / 1024 / 1024, 2),
      samples: memory.length,
    },
  };
}

/** Phases 1-4 (and 5 with `memoryRun`) for one detect.regions mode, with workers of its own. */
async function benchMode(mode: RegionMode, memoryRun: boolean) {
  const raw = await rawModelCosts(modelsCfg);
  const redisServer = await startEmbeddedRedis();
  const redis = new Redis(redisServer.url);
  const prefix = 'bench';
  const dir = mkdtempSync(join(tmpdir(), 'wp-bench-pipeline-'));
  const { cfg, env } = benchConfig(mode, dir, redisServer.url, prefix);
  const procs = {
    detect: Array.from({ length: DETECT_WORKERS }, () => new WorkerProcess('detect', env)),
    identify: [new WorkerProcess('identify', env)],
    ingest: [new WorkerProcess('ingest', env)],
  };
  const all = Object.values(procs).flat();
  let consumer: Worker | null = null;
  const consumerConnection = workerConnection(redisServer.url);
  try {
    progress(`[${mode}] starting workers (${DETECT_WORKERS} detect, identify, ingest)`);
    await Promise.all(all.map((p) => p.ready()));
    // Publish the fixture's gallery as the watchlist for every camera (global).
    await publishGalleryWatchlist(cfg, redisServer.url, walkIn.gallery);
    const ctx: BenchContext = {
      cfg,
      redis,
      redisUrl: redisServer.url,
      prefix,
      keys: redisKeys(prefix, PARTITIONS),
      dir,
      procs,
      detectQueues: openDetectQueues({ cfg, connection: redis }),
      matches: [],
    };
    consumer = await startConsumer(
      QUEUE.alerts,
      registerHandlers(QUEUE.alerts, {
        [JOB.match]: async (event) => void ctx.matches.push({ event, receivedAt: Date.now() }),
        [JOB.cameraOffline]: async () => undefined,
        [JOB.cameraOnline]: async () => undefined,
        [JOB.clipReady]: async () => undefined,
      }),
      { cfg, connection: consumerConnection },
    );
    const sat = await saturation(ctx, raw, modelsCfg);
    const thr = await throughput(ctx, MAX_CAMERAS, STEP_SEC);
    const latencyCameras = Math.max(1, thr.maxCamerasAt5fps);
    const latencySec = Math.ceil(APPEARANCES / latencyCameras) * truth.durationSec + 3;
    progress(
      `[${mode}] latency: ${latencyCameras} camera(s) for ${latencySec} s (at least ${APPEARANCES} appearances)`,
    );
    const sustainedLatency = (await liveRun(ctx, latencyCameras, latencySec, false)).report;
    const result: Record<string, unknown> = {
      machine: machine(cfg),
      rawModelCosts: {
        ...raw,
        decodeMs: round(raw.decodeMs),
        detectMs: round(raw.detectMs),
        faceChainMs: round(raw.faceChainMs),
      },
      saturation: sat,
      throughput: thr,
      latencySustained: sustainedLatency,
    };
    if (memoryRun) result.fourCameras = await fourCameras(ctx, mode);
    await ctx.detectQueues.close();
    return result;
  } finally {
    await consumer?.close();
    consumerConnection.disconnect();
    await Promise.allSettled(all.map((p) => p.stop('SIGTERM')));
    redis.disconnect();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const modes: Record<string, Record<string, unknown>> = {};
  for (const [i, mode] of MODES.entries()) modes[mode] = await benchMode(mode, i === 0);
  // Side by side: what each mode sustains, how fast, and its share of the raw-model bound.
  const comparison = Object.fromEntries(
    Object.entries(modes).map(([mode, r]) => {
      const sat = r.saturation as Awaited<ReturnType<typeof saturation>>;
      const thr = r.throughput as Awaited<ReturnType<typeof throughput>>;
      const lat = r.latencySustained as Awaited<ReturnType<typeof liveRun>>['report'];
      return [
        mode,
        {
          maxCamerasAt5fps: thr.maxCamerasAt5fps,
          latencyP95Ms: lat.latencyMs.p95,
          pipelineFps: sat.pipelineFps,
          detectorRunsPerFrame: sat.detectorRunsPerFrame,
          shareOfBound: sat.shareOfBound,
          rawDetectMs: (r.rawModelCosts as { detectMs: number }).detectMs,
        },
      ];
    }),
  );
  const result = { comparison, modes };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else printTable(result);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
