import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraEventSchema, cameraStatusSchema, type CameraEvent } from '../../pipeline/events.js';
import { JOB, QUEUE, type FrameJob } from '../../pipeline/queues.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { inspectJpeg } from '../../runtime/ffmpeg/jpeg-framer.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { startRtspPublisher, startRtspServer, type RtspPublisher, type RtspServer } from '../../runtime/rtsp-server.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { detectQueueOf, footageDir, makeClip, testConfig, testContext } from '../../test/ingest-test-kit.js';
import { startIngestWorker, type IngestWorker } from './index.js';

describe('ingest from a real RTSP server', () => {
  const footage = footageDir();
  const { prefix, cleanup } = testPrefix('ingest-rtsp');
  const redis = new Redis(testRedisUrl());
  let server: RtspServer;
  let publisher: RtspPublisher | null = null;
  let worker: IngestWorker | null = null;
  let clip: string;

  beforeAll(async () => {
    clip = makeClip(footage.dir, 'cam.mp4', 4);
    server = await startRtspServer();
  });
  afterAll(async () => {
    await worker?.close();
    await publisher?.stop('SIGKILL');
    await server?.stop();
    await cleanup();
    redis.disconnect();
    footage.remove();
  });

  it('delivers frames as FrameJobs with JPEGs in Redis; a cut publisher raises camera.offline, its return camera.online and frames resume', async () => {
    publisher = startRtspPublisher({ file: clip, url: server.publishUrl('door') });
    const cfg = testConfig({
      redisPrefix: prefix,
      cameras: [{ id: 'door', url: server.url('door') }],
      // auto: TCP is refused by this server (461), so this also proves the UDP fallback.
      ingest: {
        fps: 5,
        stallSeconds: 1,
        offlineSeconds: 6,
        backoffInitialMs: 100,
        backoffMaxMs: 800,
        maxInFlightPerCamera: 100,
      },
      detect: { partitions: 2 },
    });
    worker = await startIngestWorker(testContext(cfg, testRedisUrl()));
    await worker.ready;
    const detect = detectQueueOf(cfg, redis, 'door');
    const alerts = new Queue(QUEUE.alerts, { connection: redis, prefix: globalKeys(prefix).bull(QUEUE.alerts) });
    const frames = async () =>
      ((await detect.getJobs(['waiting'])) as Job<FrameJob>[]).map((j) => j.data).sort((a, b) => a.seq - b.seq);
    const events = async () =>
      ((await alerts.getJobs(['waiting'])) as Job<CameraEvent>[])
        .map((j) => cameraEventSchema.parse(j.data))
        .sort((a, b) => a.ts - b.ts);

    await expect
      .poll(async () => (await frames()).length, { timeout: 30_000, interval: 200 })
      .toBeGreaterThanOrEqual(5);
    const store = new FrameStore(redis, { prefix, partitions: 2, ttlSeconds: 60 });
    const first = await frames();
    for (const f of first.slice(0, 5)) {
      expect(f).toMatchObject({ cameraId: 'door', width: 320, height: 240, mode: 'live' });
      expect(inspectJpeg((await store.get(f.frameKey))!)).toEqual({ ok: true, width: 320, height: 240 });
    }
    const seqs = first.map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const status = async () =>
      cameraStatusSchema.parse(JSON.parse((await redis.get(globalKeys(prefix).cameraStatus('door')))!));
    await expect
      .poll(async () => (await status()).latestFrameKey, { timeout: 5_000 })
      .toMatch(new RegExp(`^${prefix}:\\{detect-\\d+\\}:frame:door:\\d+$`));
    expect((await status()).state).toBe('streaming');
    // The transport that worked is in the status: a restarted reader starts with it, not with TCP again.
    expect((await status()).transport).toBe('udp');
    expect(await events()).toEqual([]);

    // Cut the camera.
    await publisher.stop('SIGKILL');
    publisher = null;
    await expect
      .poll(async () => (await events()).map((e) => e.type), { timeout: 20_000, interval: 200 })
      .toEqual(['camera.offline']);
    const [offline] = await events();
    expect(offline!.cameraId).toBe('door');
    expect(offline!.lastFrameAt).not.toBeNull();
    expect(offline!.ts - offline!.lastFrameAt!).toBeGreaterThanOrEqual(6000);
    await expect.poll(async () => (await status()).state, { timeout: 5_000 }).toBe('offline');
    const before = Math.max(...(await frames()).map((f) => f.seq));

    // It comes back.
    publisher = startRtspPublisher({ file: clip, url: server.publishUrl('door') });
    await expect
      .poll(async () => (await events()).map((e) => e.type), { timeout: 30_000, interval: 200 })
      .toEqual(['camera.offline', 'camera.online']);
    await expect
      .poll(async () => (await frames()).filter((f) => f.seq > before).length, { timeout: 10_000, interval: 200 })
      .toBeGreaterThanOrEqual(3);
    expect(worker.sessions.get('door')!.state).toBe('streaming');
    const names = ((await alerts.getJobs(['waiting'])) as Job[]).map((j) => j.name).sort();
    expect(names).toEqual([JOB.cameraOffline, JOB.cameraOnline].sort());
    await detect.close();
    await alerts.close();
  }, 120_000);
});
