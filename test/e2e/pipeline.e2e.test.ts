import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { configSchema, type ConfigInput } from '../../pipeline/config/index.js';
import type { CameraEvent, MatchEvent } from '../../pipeline/events.js';
import { detectQueueName, JOB, partitionOf, QUEUE } from '../../pipeline/queues.js';
import { globalKeys, redisKeys } from '../../pipeline/redis-keys.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { openDetectQueues, registerHandlers, startConsumer } from '../../runtime/queues.js';
import { startRtspPublisher, startRtspServer, type RtspPublisher, type RtspServer } from '../../runtime/rtsp-server.js';
import { readTrackLog } from '../../runtime/track-log.js';
import { DetectStateStore } from '../../workers/detect/index.js';
import { ingestFile } from '../../workers/ingest/index.js';
import { testPrefix, testRedisUrl } from '../redis.js';
import { publishGalleryWatchlist } from './watchlist-publisher.js';
import { counterValue, WorkerProcess } from './worker-process.js';

/**
 * The real stack as separate processes: an RTSP server fed by looping ffmpeg
 * publishers, `watchpost worker ingest`, two `watchpost worker detect`, one
 * `watchpost worker identify`, all on one Redis under a prefix of their own. This
 * test process publishes the watchlist and consumes the `alerts` queue (standing in
 * for the alerts worker, which needs the API's database).
 *
 * Camera ids are chosen to land on different detect partitions (4), so both detect
 * workers are busy: door-a (enrolled) 3, door-b (strangers) 2, door-c (lossless) 1, door-d (corrupt) 0.
 */
const ENROLLED = 'door-a';
const STRANGERS = 'door-b';
const LOSSLESS = 'door-c';
const CORRUPT = 'door-d';
const PARTITIONS = 4;
const walkIn = fixture('enrolled-walk-in');
const strangers = fixture('strangers-only');
const LOOP_SEC = walkIn.truth().durationSec;
async function waitFor(ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}
const APPEARANCE_SEC = Math.max(...walkIn.truth().appearances.map((a) => a.end - a.start));

describe('pipeline end to end (RTSP -> ingest -> 2x detect -> identify -> alerts)', () => {
  const { prefix, cleanup } = testPrefix('e2e');
  const redisUrl = testRedisUrl();
  const redis = new Redis(redisUrl);
  const consumerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const dir = mkdtempSync(join(tmpdir(), 'wp-e2e-'));
  const publishers = new Map<string, RtspPublisher>();
  const workers: WorkerProcess[] = [];
  let detectA: WorkerProcess;
  let detectB: WorkerProcess;
  let server: RtspServer;
  let matchThreshold: number;
  let alertsConsumer: Worker | null = null;
  const matches: MatchEvent[] = [];
  const cameraEvents: CameraEvent[] = [];
  const stalled: { queue: string; jobId: string }[] = [];
  const queueEvents: QueueEvents[] = [];

  const configInput = (): ConfigInput => ({
    cameras: [
      { id: ENROLLED, url: server.url(ENROLLED) },
      { id: STRANGERS, url: server.url(STRANGERS) },
    ],
    // Short stall and offline times so the offline test takes seconds; 5 fps as in production.
    ingest: { fps: 5, maxWidth: 1280, stallSeconds: 2, offlineSeconds: 6, backoffInitialMs: 200, backoffMaxMs: 1000 },
    detect: { partitions: PARTITIONS, lockSeconds: 4 },
    log: { format: 'json' },
  });
  const cfg = () => configSchema.parse({ ...configInput(), redisPrefix: prefix });
  /** When each camera's publisher started: loop k of the fixture plays from start + k x LOOP_SEC (-re). */
  const publishedAt = new Map<string, number>();
  const publish = (camera: string, file: string) => {
    publishedAt.set(camera, Date.now());
    publishers.set(camera, startRtspPublisher({ file, url: server.publishUrl(camera) }));
  };
  /** What the detect and identify workers logged for a camera's tracks, for failure messages. */
  const trackSummary = async (camera: string) => {
    const records = await readTrackLog(redis, redisKeys(prefix, PARTITIONS), camera);
    const votes = records.filter((r) => r.type === 'vote');
    return records
      .filter((r) => r.type === 'track')
      .map((t) => {
        const v = votes
          .filter((x) => x.trackId === t.trackId)
          .map((x) => `${x.candidateName ?? '-'}:${x.distance?.toFixed(2) ?? '-'}`);
        return `  ${t.trackId} ${((t.lastTs - t.firstTs) / 1000).toFixed(1)} s, ${t.hits} hits, ${t.identifyFrames} sent, votes [${v.join(' ')}]`;
      })
      .join('\n');
  };
  /** Camera status, detect counters, tracks and the workers' warnings: what a failure message needs. */
  const diagnose = async (camera: string) => {
    const status = await redis.get(redisKeys(prefix, PARTITIONS).cameraStatus(camera));
    const state = await new DetectStateStore(redis, redisKeys(prefix, PARTITIONS)).load(camera, Date.now());
    const warnings = workers.flatMap((w) =>
      w.logs
        .filter((l) => (l.level ?? 0) >= 40)
        .slice(-5)
        .map((l) => `  ${w.role}: ${l.msg} ${JSON.stringify(l.err ?? l.reason ?? '')}`),
    );
    const counters = JSON.stringify(state.state.counters);
    return `status ${status}\ndetect counters ${counters}\ntracks:\n${await trackSummary(camera)}\nworker warnings:\n${warnings.join('\n')}`;
  };
  const matchesOf = (camera: string) =>
    matches.filter((m) => m.cameraId === camera).sort((a, b) => a.firstSeen - b.firstSeen);

  beforeAll(async () => {
    for (const [cam, p] of Object.entries({ [ENROLLED]: 3, [STRANGERS]: 2, [LOSSLESS]: 1, [CORRUPT]: 0 })) {
      expect(partitionOf(cam, PARTITIONS), `partition of ${cam}`).toBe(p);
    }
    server = await startRtspServer();
    publish(ENROLLED, walkIn.video);
    publish(STRANGERS, strangers.video);
    const configFile = join(dir, 'watchpost.yaml');
    writeFileSync(configFile, stringify(configInput()));

    const published = await publishGalleryWatchlist(cfg(), redisUrl, walkIn.gallery, [ENROLLED, STRANGERS, LOSSLESS]);
    expect(published.identities).toEqual(walkIn.truth().enrolled);
    matchThreshold = published.matchThreshold;

    alertsConsumer = await startConsumer(
      QUEUE.alerts,
      registerHandlers(QUEUE.alerts, {
        [JOB.match]: async (e) => void matches.push(e),
        [JOB.cameraOffline]: async (e) => void cameraEvents.push(e),
        [JOB.cameraOnline]: async (e) => void cameraEvents.push(e),
        [JOB.clipReady]: async () => undefined,
      }),
      { cfg: cfg(), connection: consumerConnection },
    );
    for (let p = 0; p < PARTITIONS; p++) {
      const events = new QueueEvents(detectQueueName(p), {
        connection: { url: redisUrl },
        prefix: globalKeys(prefix).bull(detectQueueName(p)),
      });
      events.on('stalled', ({ jobId }) => stalled.push({ queue: detectQueueName(p), jobId }));
      queueEvents.push(events);
    }
    await Promise.all(queueEvents.map((q) => q.waitUntilReady()));

    const env = { REDIS_URL: redisUrl, WATCHPOST_REDIS_PREFIX: prefix, WATCHPOST_CONFIG: configFile };
    detectA = new WorkerProcess('detect', env);
    detectB = new WorkerProcess('detect', env);
    workers.push(detectA, detectB, new WorkerProcess('identify', env), new WorkerProcess('ingest', env));
    await Promise.all(workers.map((w) => w.ready()));
  }, 180_000);

  afterAll(async () => {
    // Every spawned process goes, whatever happened above.
    await Promise.allSettled(workers.map((w) => w.stop('SIGKILL')));
    await Promise.allSettled([...publishers.values()].map((p) => p.stop('SIGKILL')));
    await server?.stop();
    await alertsConsumer?.close();
    consumerConnection.disconnect();
    await Promise.allSettled(queueEvents.map((q) => q.close()));
    await cleanup();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('the enrolled person raises exactly one match per appearance, with the right identity', async () => {
    // Two loops of the fixture: two appearances, each must give one event.
    const enough = await waitFor(() => matchesOf(ENROLLED).length >= 2, 3 * LOOP_SEC * 1000 + 20_000);
    expect(enough, `match events on ${ENROLLED}: ${matchesOf(ENROLLED).length}; ${await diagnose(ENROLLED)}`).toBe(
      true,
    );
    const got = matchesOf(ENROLLED);
    expect(new Set(got.map((m) => m.name))).toEqual(new Set(walkIn.truth().enrolled));
    expect(new Set(got.map((m) => m.eventId)).size).toBe(got.length);
    expect(new Set(got.map((m) => m.trackId)).size).toBe(got.length);
    for (const m of got) {
      expect(m.distance).toBeLessThan(matchThreshold);
      // A track spans at most one appearance (plus a few frames of tracker slack).
      expect(m.lastSeen - m.firstSeen).toBeLessThanOrEqual((APPEARANCE_SEC + 1) * 1000);
    }
    // Exactly one event per appearance: each event falls in a different loop of the fixture
    // (the camera may join mid-appearance, so loops are counted from the publisher's start).
    const loops = got.map((m) => Math.floor((m.firstSeen - publishedAt.get(ENROLLED)!) / (LOOP_SEC * 1000)));
    const why = `${got.map((m, i) => `${m.trackId} loop ${loops[i]} ${m.firstSeen}-${m.lastSeen}`).join(', ')}\n${await diagnose(ENROLLED)}`;
    expect(new Set(loops).size, `two events in one appearance: ${why}`).toBe(got.length);
    for (let i = 1; i < loops.length; i++)
      expect(loops[i]! - loops[i - 1]!, `an appearance without an event: ${why}`).toBe(1);
  }, 120_000);

  it('the strangers-only camera raises no match, though its people were tracked', async () => {
    // By now it has played at least two loops (four strangers' appearances).
    const tracked = await redis.xlen(redisKeys(prefix, PARTITIONS).trackLog(STRANGERS));
    expect(tracked, `finished tracks on the strangers camera; ${await diagnose(STRANGERS)}`).toBeGreaterThanOrEqual(2);
    expect(matchesOf(STRANGERS)).toEqual([]);
  });

  it('a corrupt frame is skipped and counted, and the camera goes on', async () => {
    const store = new FrameStore(redis, { prefix, partitions: PARTITIONS, ttlSeconds: 60 });
    const detect = openDetectQueues({ cfg: cfg(), connection: redis });
    const queue = detect.forCamera(CORRUPT);
    const now = Date.now();
    const good = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#406080' } })
      .jpeg()
      .toBuffer();
    const frames = [
      { seq: 1, bytes: good },
      { seq: 2, bytes: Buffer.concat([good.subarray(0, 200), Buffer.from('not the rest of a jpeg')]) },
      { seq: 3, bytes: good },
    ];
    for (const f of frames) {
      const frameKey = await store.putFrame(CORRUPT, f.seq, f.bytes);
      await queue.add(
        JOB.frame,
        { cameraId: CORRUPT, seq: f.seq, ts: now + f.seq * 200, frameKey, width: 320, height: 240, mode: 'live' },
        { jobId: `${CORRUPT}-${f.seq}` },
      );
    }
    const state = (id: string) => queue.queue.getJobState(id);
    await expect.poll(() => state(`${CORRUPT}-3`), { timeout: 30_000, interval: 200 }).toBe('completed');
    expect(await state(`${CORRUPT}-1`)).toBe('completed');
    // Unrecoverable: failed at once, kept for inspection, not retried.
    const bad = await queue.queue.getJob(`${CORRUPT}-2`);
    expect(await bad!.getState()).toBe('failed');
    expect(bad!.attemptsMade).toBe(1);
    const counted = async () => {
      let n = 0;
      for (const w of [detectA, detectB])
        if (w.alive) n += counterValue(await w.metrics(), 'watchpost_frames_corrupt_total', { camera: CORRUPT });
      return n;
    };
    expect(await counted()).toBe(1);
    await detect.close();
  }, 60_000);

  it('cutting the RTSP publisher raises camera.offline; restarting it camera.online, and matching resumes', async () => {
    const cutAt = Date.now();
    await publishers.get(ENROLLED)!.stop('SIGKILL');
    await expect
      .poll(() => cameraEvents.find((e) => e.cameraId === ENROLLED && e.type === 'camera.offline' && e.ts >= cutAt), {
        timeout: 20_000,
        interval: 200,
      })
      .toBeTruthy();
    // The other camera is unaffected.
    expect(
      cameraEvents.filter((e) => e.cameraId === STRANGERS && e.type === 'camera.offline' && e.ts >= cutAt),
    ).toEqual([]);

    const restartedAt = Date.now();
    publish(ENROLLED, walkIn.video);
    await expect
      .poll(
        () => cameraEvents.find((e) => e.cameraId === ENROLLED && e.type === 'camera.online' && e.ts >= restartedAt),
        { timeout: 30_000, interval: 200 },
      )
      .toBeTruthy();
    const resumed = await waitFor(
      () => matchesOf(ENROLLED).some((m) => m.firstSeen >= restartedAt),
      LOOP_SEC * 1000 + 20_000,
    );
    expect(resumed, `no match after the restart; ${await diagnose(ENROLLED)}`).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    expect(matchesOf(ENROLLED).filter((m) => m.firstSeen >= restartedAt)).toHaveLength(1);
    expect(matchesOf(ENROLLED).filter((m) => m.firstSeen >= restartedAt)[0]!.name).toBe(walkIn.truth().enrolled[0]);
  }, 90_000);

  it('a detect worker killed with SIGKILL mid-job loses no match (stalled job recovered)', async () => {
    // Live cameras off, and detect worker B frozen (SIGSTOP) while it holds nothing: the
    // next frame job that becomes active is worker A's, and A is killed in the middle of it.
    await Promise.all([...publishers.values()].map((p) => p.stop('SIGKILL')));
    const partition = detectQueueName(partitionOf(LOSSLESS, PARTITIONS));
    const active: string[] = [];
    queueEvents[partitionOf(LOSSLESS, PARTITIONS)]!.on('active', ({ jobId }) => active.push(jobId));
    process.kill(detectB.pid, 'SIGSTOP');
    const replayId = 'e2e-kill';
    const ingest = ingestFile({ cfg: cfg(), redisUrl, path: walkIn.video, cameraId: LOSSLESS, replayId });
    // At 5 fps frame 20 is 4 s in: the enrolled person is in view, so the job runs person detection.
    const killAt = Math.ceil(((walkIn.truth().appearances[0]!.faceStart ?? 3) + 1) * 5);
    try {
      expect(await waitFor(() => active.length >= killAt, 60_000), 'detect worker A took no job').toBe(true);
      await detectA.stop('SIGKILL');
    } finally {
      process.kill(detectB.pid, 'SIGCONT');
    }
    const killedJob = active.at(-1)!;
    await ingest;
    // BullMQ moves the dead worker's job back once its lock expires: 30 s, the default of
    // runtime/queues.ts, with no config knob to shorten it (stalled check every 15 s).
    await expect
      .poll(() => stalled.some((s) => s.queue === partition && s.jobId === killedJob), {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(true);
    await expect.poll(() => matchesOf(LOSSLESS).length, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    // Let the rest of the footage drain: still exactly one event for its one appearance.
    const detect = openDetectQueues({ cfg: cfg(), connection: redis });
    const queue = detect.forCamera(LOSSLESS);
    const pending = async () =>
      Object.values(await queue.queue.getJobCounts('waiting', 'active', 'delayed')).reduce((a, b) => a + b, 0);
    await expect.poll(pending, { timeout: 60_000, interval: 500 }).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    const got = matchesOf(LOSSLESS);
    expect(got.map((m) => m.name)).toEqual(walkIn.truth().enrolled);
    expect(got[0]!.replayId).toBe(replayId);
    await detect.close();
  }, 150_000);
});
