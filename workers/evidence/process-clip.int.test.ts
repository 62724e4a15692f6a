import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { FaceDetector, PersonDetector } from '../../models/index.js';
import { closeAllSessions } from '../../models/session.js';
import type { Box } from '../../pipeline/geometry.js';
import { clipReadySchema, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { loadConfig } from '../../runtime/config.js';
import { probeRawVideo } from '../../runtime/ffmpeg/ffmpeg-raw.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { createLogger } from '../../runtime/logger.js';
import { openQueue } from '../../runtime/queues.js';
import { SegmentStore } from '../../runtime/segment-store.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { processClip } from './process-clip.js';

describe('processClip (real ffmpeg, Redis and detectors)', () => {
  const { prefix, cleanup } = testPrefix('evclip');
  const cfg = loadConfig({
    overrides: {
      'models.cacheDir': join(tmpdir(), 'watchpost-test-model-cache'),
      'models.threads': 1,
      redisPrefix: prefix,
    },
  });
  let redis: Redis;
  let dir: string;
  beforeAll(async () => {
    redis = new Redis(testRedisUrl());
    dir = await mkdtemp(join(tmpdir(), 'evclip-'));
  });
  afterAll(async () => {
    await closeAllSessions();
    redis.disconnect();
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('cuts the clip around the sighting from the buffer, with a redacted copy, the track and a redacted still', async () => {
    const video = fixture('doorstep-720p').video;
    // The camera's buffer as the recorder leaves it: 2 s segments (cut at keyframes) at wall-clock times from T0.
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', video, '-map', '0:v:0', '-c', 'copy', '-f', 'segment']
        .concat(['-segment_time', '2', '-segment_format', 'mpegts', '-segment_list', join(dir, 'list.csv')])
        .concat(['-segment_list_type', 'csv', join(dir, 'seg%03d.ts')]),
    );
    const T0 = Date.now() - 60_000;
    const segments = new SegmentStore(redis, { prefix, partitions: cfg.detect.partitions });
    const list = (await readFile(join(dir, 'list.csv'), 'utf8')).trim().split('\n');
    for (const line of list) {
      const [name, start, end] = line.split(',');
      const seg = { cameraId: 'cam-ev', startMs: T0 + Number(start) * 1000, endMs: T0 + Number(end) * 1000 };
      await segments.put(seg, await readFile(join(dir, name!)), 600);
    }
    // The sighting's frame (t = 23 s) in the frame store.
    const truth = fixture('doorstep-720p').truth();
    const subject = truth.appearances.find((a) => a.id === 'subject-a#2')!.frames.find((f) => f.t === 23)!;
    execFileSync('ffmpeg', ['-v', 'error', '-ss', '23', '-i', video, '-frames:v', '1', '-y', join(dir, 'f.jpg')]);
    const frames = new FrameStore(redis, { prefix, partitions: cfg.detect.partitions, ttlSeconds: 600 });
    const frameKey = await frames.putFrame('cam-ev', 230, await readFile(join(dir, 'f.jpg')));

    const alertsQueue = openQueue(QUEUE.alerts, { cfg, connection: redis });
    const models = { persons: await PersonDetector.create(cfg), faces: await FaceDetector.create(cfg) };
    const ready = await processClip(
      {
        alertId: 'alr_test',
        cameraId: 'cam-ev',
        sightingTs: T0 + 23_000,
        personBox: subject.personBox as Box,
        frameKey,
        fromMs: T0 + 13_000,
        toMs: T0 + 26_000,
      },
      {
        cfg,
        log: createLogger({ log: { level: 'silent', format: 'json' } }),
        redis,
        keys: redisKeys(prefix, cfg.detect.partitions),
        segments,
        frames,
        models,
        alertsQueue,
        clock: () => T0 + 60_000,
      },
    );
    expect(ready.files.map((f) => f.kind).sort()).toEqual(['clip', 'clip_redacted', 'clip_track', 'snapshot_redacted']);
    // The clip covers the requested span, in whole segments.
    expect(ready.startMs!).toBeLessThanOrEqual(T0 + 13_000);
    expect(ready.endMs!).toBeGreaterThanOrEqual(T0 + 26_000);
    for (const f of ready.files) {
      const bytes = (await frames.get(f.key))!;
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      if (f.kind === 'clip' || f.kind === 'clip_redacted') {
        await writeFile(join(dir, `${f.kind}.mp4`), bytes);
        const info = await probeRawVideo(join(dir, `${f.kind}.mp4`));
        expect([info.width, info.height]).toEqual([1280, 720]);
      }
    }
    const track = JSON.parse((await redis.get(ready.files.find((f) => f.kind === 'clip_track')!.key))!);
    expect(track.boxes.length).toBeGreaterThan(10);
    // Handed to the alerts side as a registered job.
    const q = new Queue(QUEUE.alerts, {
      connection: redis,
      prefix: redisKeys(prefix, cfg.detect.partitions).bull(QUEUE.alerts),
    });
    const job = await q.getJob('clip-ready-alr_test');
    expect(clipReadySchema.parse(job!.data).files).toHaveLength(4);
    await q.close();
    await alertsQueue.close();
    expect((await readdir(dir)).length).toBeGreaterThan(3);
  }, 240_000);
});
