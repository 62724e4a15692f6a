import { Redis } from 'ioredis';
import { Transform } from 'node:stream';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraStatusSchema } from '../../pipeline/events.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import {
  ffmpegArgs,
  readJpegFrames,
  type FfmpegExit,
  type FfmpegFrameOptions,
  type FfmpegFrameSource,
} from '../../runtime/ffmpeg/ffmpeg-frames.js';
import { inspectJpeg } from '../../runtime/ffmpeg/jpeg-framer.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { registry } from '../../runtime/metrics.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import {
  detectQueueOf,
  footageDir,
  frameJobsOf,
  makeClip,
  testConfig,
  testContext,
} from '../../test/ingest-test-kit.js';
import { startIngestWorker, type IngestWorker } from './index.js';

const footage = footageDir();
let clip: string;
const redis = new Redis(testRedisUrl());
beforeAll(() => {
  clip = makeClip(footage.dir, 'live.mp4', 3);
});
afterAll(() => {
  footage.remove();
  redis.disconnect();
});

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (m?.values ?? []) as { labels: Record<string, string | number>; value: number }[];
  return v
    .filter((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val))
    .reduce((s, x) => s + x.value, 0);
}

describe('live ingest from a file camera', () => {
  const { prefix, cleanup } = testPrefix('ingest-live');
  let worker: IngestWorker | null = null;
  afterAll(async () => {
    await worker?.close();
    await cleanup();
  });

  it('never has more than maxInFlightPerCamera frames in flight when nobody consumes, newer frames winning', async () => {
    const cfg = testConfig({
      redisPrefix: prefix,
      cameras: [{ id: 'bounded', url: clip, fps: 10 }],
      ingest: { maxInFlightPerCamera: 3, allowFileSources: true },
      detect: { partitions: 2 },
    });
    worker = await startIngestWorker(testContext(cfg, testRedisUrl()));
    await worker.ready;
    const queue = detectQueueOf(cfg, redis, 'bounded');
    let most = 0;
    const deadline = Date.now() + 20_000;
    while (
      Date.now() < deadline &&
      (await metricValue('watchpost_frames_captured_total', { camera: 'bounded' })) < 15
    ) {
      most = Math.max(most, (await frameJobsOf(queue, 'bounded')).length);
      await new Promise((r) => setTimeout(r, 50));
    }
    const captured = await metricValue('watchpost_frames_captured_total', { camera: 'bounded' });
    const dropped = await metricValue('watchpost_frames_dropped_total', { camera: 'bounded' });
    const left = await frameJobsOf(queue, 'bounded');
    expect(worker.sessions.get('bounded')!.state).toBe('streaming');
    await worker.close();
    worker = null;
    expect(captured).toBeGreaterThan(10);
    expect(most).toBe(3);
    expect(dropped).toBeGreaterThanOrEqual(captured - 3 - 1);
    // The frames still waiting are the newest ones queued.
    const status = cameraStatusSchema.parse(JSON.parse((await redis.get(globalKeys(prefix).cameraStatus('bounded')))!));
    expect(status.state).toBe('stopped');
    expect(status.framesTotal).toBeGreaterThanOrEqual(captured);
    expect(status.framesDropped).toBeGreaterThan(0);
    // A frame captured while the previous one was still being published is skipped (counted),
    // so the newest waiting job may be a frame or two older than the newest captured.
    const latestSeq = Number(status.latestFrameKey!.split(':').at(-1));
    expect(left.map((f) => f.seq).at(-1)).toBeGreaterThanOrEqual(latestSeq - 2);
    expect(left[0]!.seq).toBeGreaterThan(latestSeq - 10);
    // Dropped frames' bytes are deleted, not left to their TTL.
    const frameKeys = await redis.keys(`${prefix}:*:frame:bounded:*`);
    expect(frameKeys.length).toBeLessThanOrEqual(4);
    await queue.close();
  });

  it('skips and counts a corrupt frame, forwarding the others intact', async () => {
    const cfg = testConfig({
      redisPrefix: prefix,
      cameras: [{ id: 'garbled', url: clip, fps: 5 }],
      detect: { partitions: 2 },
      ingest: { maxInFlightPerCamera: 50, allowFileSources: true },
    });
    // Real ffmpeg output with its 4th JPEG cut short on the way (as from a process dying mid-write),
    // once: the file camera loops, and the next plays are intact.
    let corrupted = false;
    const openSource = (o: FfmpegFrameOptions): FfmpegFrameSource => {
      const child = spawn('ffmpeg', ffmpegArgs(o), { stdio: ['ignore', 'pipe', 'ignore'] });
      const cutThisPlay = !corrupted;
      corrupted = true;
      let soi = 0;
      let kept = 0;
      const corrupt = new Transform({
        transform(chunk: Buffer, _enc, done) {
          if (!cutThisPlay) return done(null, chunk);
          const out: number[] = [];
          for (let i = 0; i < chunk.length; i++) {
            const isSoi = chunk[i] === 0xff && chunk[i + 1] === 0xd8;
            if (isSoi) soi++;
            if (soi === 4 && !isSoi && kept++ >= 300) continue;
            out.push(chunk[i]!);
          }
          done(null, Buffer.from(out));
        },
      });
      child.stdout!.pipe(corrupt);
      const exited = new Promise<FfmpegExit>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal, stderr: '', stopped: false })),
      );
      return {
        frames: readJpegFrames(corrupt, o.fps),
        exited,
        pid: child.pid,
        stop: () => {
          child.kill('SIGKILL');
          return exited;
        },
      };
    };
    const w = await startIngestWorker(testContext(cfg, testRedisUrl()), { openSource });
    await w.ready;
    const queue = detectQueueOf(cfg, redis, 'garbled');
    await expect
      .poll(() => metricValue('watchpost_frames_captured_total', { camera: 'garbled' }), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(8);
    await w.close();
    expect(await metricValue('watchpost_frames_corrupt_total', { camera: 'garbled' })).toBe(1);
    const status = cameraStatusSchema.parse(JSON.parse((await redis.get(globalKeys(prefix).cameraStatus('garbled')))!));
    expect(status.framesCorrupt).toBe(1);
    expect(status.state).toBe('stopped');
    const jobs = await frameJobsOf(queue, 'garbled');
    // A frame that arrives while the previous one is still being written is dropped (counted) in live mode.
    expect(jobs.length).toBe(status.framesTotal - status.framesDropped);
    expect(jobs.length).toBeGreaterThanOrEqual(4);
    const store = new FrameStore(redis, { prefix, partitions: 2, ttlSeconds: 60 });
    for (const job of jobs) {
      const jpeg = await store.get(job.frameKey);
      expect(inspectJpeg(jpeg!)).toEqual({ ok: true, width: 320, height: 240 });
      expect([job.width, job.height, job.mode]).toEqual([320, 240, 'live']);
    }
    await queue.close();
  });

  it('starts and stops cameras registered through Redis without a restart', async () => {
    const cfg = testConfig({ redisPrefix: prefix, detect: { partitions: 2 }, ingest: { allowFileSources: true } });
    const keys = globalKeys(prefix);
    const w = await startIngestWorker(testContext(cfg, testRedisUrl()));
    await w.ready;
    expect(w.sessions.size).toBe(0);
    await redis.set(
      keys.cameraRegistry,
      JSON.stringify([
        { id: 'reg-1', url: clip, caseId: 'case-9', extra: 'ignored' },
        { id: 'bad id!', url: clip },
      ]),
    );
    await redis.publish(keys.cameraRegistryChanged, '1');
    await expect.poll(() => w.sessions.get('reg-1')?.state, { timeout: 10_000 }).toBe('streaming');
    expect([...w.sessions.keys()]).toEqual(['reg-1']);
    await redis.set(keys.cameraRegistry, '[]');
    await redis.publish(keys.cameraRegistryChanged, '1');
    await expect.poll(() => w.sessions.size, { timeout: 5_000 }).toBe(0);
    // The session leaves the map at once; its final status is written as it stops.
    await expect
      .poll(async () => JSON.parse((await redis.get(keys.cameraStatus('reg-1')))!).state, { timeout: 5_000 })
      .toBe('stopped');
    await w.close();
  });
});
