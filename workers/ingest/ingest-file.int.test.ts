import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameJobId, JOB, type FrameJob } from '../../pipeline/queues.js';
import { globalKeys, redisKeys } from '../../pipeline/redis-keys.js';
import { inspectJpeg } from '../../runtime/ffmpeg/jpeg-framer.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { detectQueueOf, footageDir, frameJobsOf, makeClip, testConfig } from '../../test/ingest-test-kit.js';
import { ingestFile } from './index.js';

describe('ingestFile (lossless replays)', () => {
  const footage = footageDir();
  const { prefix, cleanup } = testPrefix('ingest-file');
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  let clip: string;
  beforeAll(() => {
    clip = makeClip(footage.dir, 'replay.mp4', 4);
  });
  afterAll(async () => {
    await cleanup();
    redis.disconnect();
    footage.remove();
  });

  it('queues every frame in order behind a slow consumer, with at most maxInFlight not yet done', async () => {
    const cfg = testConfig({
      redisPrefix: prefix,
      ingest: { fps: 5, maxInFlightPerCamera: 2 },
      detect: { partitions: 2 },
    });
    const queue = detectQueueOf(cfg, redis, 'replay-cam');
    const store = new FrameStore(redis, { prefix, partitions: 2, ttlSeconds: 60 });
    const processed: FrameJob[] = [];
    const done = new Set<number>();
    // Like the detect stage: a frame is reported done (its job id on the replay's list) as
    // it is finished; frame 7 fails without being reported, which BullMQ then tells.
    const worker = new Worker(
      queue.name,
      async (job: Job<FrameJob>) => {
        expect(job.name).toBe(JOB.frame);
        expect(inspectJpeg((await store.get(job.data.frameKey))!)).toMatchObject({ ok: true, width: 320 });
        await new Promise((r) => setTimeout(r, 60));
        processed.push(job.data);
        done.add(job.data.seq);
        if (job.data.seq !== 7)
          await redis.rpush(
            redisKeys(prefix, cfg.detect.partitions).framesDone('replay-cam', 'r1'),
            frameJobId(job.data),
          );
      },
      { connection: redis.duplicate(), prefix: globalKeys(prefix).bull(queue.name), concurrency: 1 },
    );
    let most = 0;
    const notDone = async () => (await frameJobsOf(queue, 'replay-cam')).filter((f) => !done.has(f.seq)).length;
    const sampler = setInterval(() => void notDone().then((n) => (most = Math.max(most, n))), 15);
    const startTs = 1_700_000_000_000;
    const seen: number[] = [];
    const result = await ingestFile({
      cfg,
      redisUrl: testRedisUrl(),
      path: clip,
      cameraId: 'replay-cam',
      replayId: 'r1',
      startTs,
      onFrame: (j) => seen.push(j.seq),
    });
    await expect.poll(() => processed.length, { timeout: 15_000 }).toBe(20);
    clearInterval(sampler);
    await worker.close();
    expect(result).toEqual({ frames: 20, corrupt: 0, durationSec: 4 });
    expect(seen).toEqual([...Array(20).keys()]);
    expect(processed.map((f) => f.seq)).toEqual([...Array(20).keys()]);
    expect(processed.map((f) => f.ts)).toEqual([...Array(20).keys()].map((i) => startTs + i * 200));
    expect(processed.every((f) => f.mode === 'lossless' && f.replayId === 'r1')).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
    await queue.close();
  });

  it('says where it stopped when aborted, and when the file cannot be read', async () => {
    const cfg = testConfig({
      redisPrefix: prefix,
      ingest: { fps: 5, maxInFlightPerCamera: 3 },
      detect: { partitions: 2 },
    });
    // Nobody consumes: after 3 frames the replay waits, and the abort ends it there.
    const ctrl = new AbortController();
    const pending = ingestFile({
      cfg,
      redisUrl: testRedisUrl(),
      path: clip,
      cameraId: 'abort-cam',
      replayId: 'r2',
      signal: ctrl.signal,
    });
    await expect
      .poll(async () => (await frameJobsOf(detectQueueOf(cfg, redis, 'abort-cam'), 'abort-cam')).length, {
        timeout: 10_000,
      })
      .toBe(3);
    ctrl.abort();
    const result = await pending;
    expect(result.frames).toBe(3);
    expect(result.stoppedEarly).toEqual({ atSec: 0.6, reason: 'aborted' });
    const missing = await ingestFile({
      cfg,
      redisUrl: testRedisUrl(),
      path: `${footage.dir}/nope.mp4`,
      cameraId: 'x',
      replayId: 'r3',
    });
    expect(missing.frames).toBe(0);
    expect(missing.stoppedEarly?.reason).toMatch(/No such file/);
  });
});
