import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { configSchema } from '../../pipeline/config/index.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { segmentsToMp4 } from '../../runtime/ffmpeg/ffmpeg-clip.js';
import { createLogger } from '../../runtime/logger.js';
import { SegmentStore } from '../../runtime/segment-store.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { until } from '../../test/until.js';
import { ClipRecorder } from './clip-recorder.js';

describe('clip recorder (real ffmpeg and Redis)', () => {
  const { prefix, cleanup } = testPrefix('clips');
  let redis: Redis;
  let dir: string;
  beforeAll(async () => {
    redis = new Redis(testRedisUrl());
    dir = await mkdtemp(join(tmpdir(), 'clip-test-'));
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('buffers a live H.264 stream as segments with a TTL, and joins them into a playable MP4 without re-encoding', async () => {
    const cfg = configSchema.parse({
      redisPrefix: prefix,
      evidence: { preSeconds: 4, segmentSeconds: 1 },
      detect: { partitions: 4 },
    });
    const segments = new SegmentStore(redis, { prefix, partitions: 4 });
    const cam = { id: 'cam-clip', url: fixture('enrolled-walk-in').video };
    const rec = new ClipRecorder(cam, {
      cfg,
      log: createLogger({ log: { level: 'silent', format: 'json' } }),
      segments,
    });
    const t0 = Date.now();
    rec.start();
    await until('three buffered segments', () => rec.segmentsStored >= 3, 30_000);
    await rec.stop();
    const t1 = Date.now();

    const segs = await segments.overlapping(cam.id, t0, t1);
    expect(segs.length).toBeGreaterThanOrEqual(3);
    for (const [i, s] of segs.entries()) {
      expect(s.endMs).toBeGreaterThan(s.startMs);
      if (i > 0) expect(Math.abs(s.startMs - segs[i - 1]!.endMs)).toBeLessThan(500); // contiguous
    }
    // Bounded: each segment expires after the buffer's seconds.
    const ttl = await redis.pttl(redisKeys(prefix, 4).videoSegment(cam.id, segs[0]!.startMs));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual((4 + 2 * 1 + 10) * 1000);

    const bytes = await Promise.all(segs.map((s) => segments.get(s)));
    const mp4 = await segmentsToMp4(bytes.map((b) => b!));
    const file = join(dir, 'clip.mp4');
    await writeFile(file, mp4);
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
        encoding: 'utf8',
      }),
    );
    expect(probe.streams[0].codec_name).toBe('h264'); // copied, not re-encoded to something else
    const seconds = Number(probe.format.duration);
    const buffered = (segs.at(-1)!.endMs - segs[0]!.startMs) / 1000;
    expect(Math.abs(seconds - buffered)).toBeLessThan(1.5);
    expect(mp4.subarray(4, 8).toString()).toBe('ftyp');
  }, 60_000);

  it('pinning keeps segments a clip still needs past the buffer TTL', async () => {
    const segments = new SegmentStore(redis, { prefix, partitions: 4 });
    const seg = { cameraId: 'cam-pin', startMs: Date.now() - 2000, endMs: Date.now() };
    await segments.put(seg, Buffer.from('x'), 1);
    await segments.pin([seg], 60);
    expect(await redis.pttl(redisKeys(prefix, 4).videoSegment('cam-pin', seg.startMs))).toBeGreaterThan(50_000);
    expect(await segments.overlapping('cam-pin', seg.startMs - 10, seg.endMs)).toEqual([seg]);
  });
});
