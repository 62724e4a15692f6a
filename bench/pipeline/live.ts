import { fixture } from '../../fixtures/index.js';
import type { MatchEvent } from '../../pipeline/events.js';
import { type BenchContext, detectWaiting, memoryByKind, metricSum, redisTicks, stageTicks } from './context.js';
import { cameraIds, FPS, progress, quantile, round, sleep, TICK_HZ } from './measure.js';

const walkIn = fixture('enrolled-walk-in');
const truth = walkIn.truth();
const appearance = truth.appearances.find((a) => a.identity)!;

/** Live cameras looping the walk-in fixture (the ingest worker follows the camera registry). */
async function setCameras(ctx: BenchContext, ids: string[]) {
  await ctx.redis.set(ctx.keys.cameraRegistry, JSON.stringify(ids.map((id) => ({ id, url: walkIn.video }))));
  await ctx.redis.publish(ctx.keys.cameraRegistryChanged, '1');
}

/**
 * Throughput: 1, 2, ... live 5 fps cameras, each step held `stepSec`; a step is sustained
 * when under 2% of frames are dropped and the detect queues do not grow.
 */
export async function throughput(ctx: BenchContext, maxCameras: number, stepSec: number) {
  const { procs } = ctx;
  const STEP_SEC = stepSec;
  const MAX_CAMERAS = maxCameras;
  const steps: Record<string, number | boolean | Record<string, number>>[] = [];
  for (let n = 1; n <= MAX_CAMERAS; n++) {
    progress(`throughput: ${n} camera(s) at ${FPS} fps for ${STEP_SEC} s`);
    await setCameras(ctx, cameraIds(n));
    await sleep(5000);
    const c0 = await metricSum(procs.ingest, 'watchpost_frames_captured_total');
    const d0 = await metricSum(procs.ingest, 'watchpost_frames_dropped_total');
    const dd0 = await metricSum(procs.detect, 'watchpost_frames_dropped_total');
    const t0 = stageTicks(ctx);
    const r0 = await redisTicks(ctx);
    const q0 = await detectWaiting(ctx);
    await sleep(STEP_SEC * 1000);
    const captured = (await metricSum(procs.ingest, 'watchpost_frames_captured_total')) - c0;
    const dropped =
      (await metricSum(procs.ingest, 'watchpost_frames_dropped_total')) -
      d0 +
      (await metricSum(procs.detect, 'watchpost_frames_dropped_total')) -
      dd0;
    const t1 = stageTicks(ctx);
    const r1 = await redisTicks(ctx);
    const q1 = await detectWaiting(ctx);
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
  return {
    steps,
    maxCamerasAt5fps: steps.filter((s) => s.sustained).reduce((m, s) => Math.max(m, s.cameras as number), 0),
  };
}

// 4. Latency where the machine keeps up; 5. four cameras: Redis memory, latency overloaded.
// A file camera plays the fixture in a loop at its own pace, numbering frames on from
// its first one at FPS: a vote's frame number gives its place in the clip, its capture
// time the wall clock of that loop, so the first frame with the whole face visible
// (truth) is known per event.
const faceStartSec = appearance.faceStart ?? appearance.start;
async function firstSeqs(ctx: BenchContext, since: number) {
  const first = new Map<string, number>();
  for (const q of ctx.detectQueues.partitions) {
    for (const job of await q.queue.getJobs(['completed', 'active', 'waiting'], 0, 5000)) {
      const d = job?.data;
      if (d && d.ts >= since && !d.replayId)
        first.set(d.cameraId, Math.min(first.get(d.cameraId) ?? Number.POSITIVE_INFINITY, d.seq));
    }
  }
  return first;
}
function faceVisibleAt(e: MatchEvent, first: Map<string, number>) {
  const v = e.scores[0]!;
  const clipSec = ((v.seq - first.get(e.cameraId)!) / FPS) % truth.durationSec;
  return v.ts - (clipSec - faceStartSec) * 1000;
}
export async function liveRun(ctx: BenchContext, n: number, seconds: number, sampleMemory: boolean) {
  const { redis, matches } = ctx;
  // Fresh camera sessions: each starts the clip at its first frame (the latency clock above).
  await setCameras(ctx, []);
  await sleep(2000);
  await setCameras(ctx, cameraIds(n));
  const start = Date.now();
  const memory: number[] = [];
  let first = new Map<string, number>();
  while (Date.now() - start < seconds * 1000) {
    if (first.size < n) first = await firstSeqs(ctx, start);
    if (sampleMemory) memory.push(Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]));
    await sleep(Math.min(5000, Math.max(0, seconds * 1000 - (Date.now() - start))));
  }
  const breakdown = sampleMemory ? await memoryByKind(ctx) : null;
  await setCameras(ctx, []);
  await sleep(3000);
  // Appearances in whole loops of the run: each loop of each camera holds one.
  const loops = Math.floor(seconds / truth.durationSec);
  const phase = matches.filter(
    (m) =>
      m.event.firstSeen >= start && m.event.firstSeen < start + loops * truth.durationSec * 1000 && !m.event.replayId,
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
}
