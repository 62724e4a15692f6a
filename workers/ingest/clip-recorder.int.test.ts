import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { configSchema } from '../../pipeline/config/index.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { segmentsToMp4 } from '../../runtime/ffmpeg/ffmpeg-clip.js';
import { createLogger } from '../../runtime/logger.js';
import { startRtspPublisher, startRtspServer } from '../../runtime/rtsp-server.js';
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

  it('holds no more than its seconds however long the camera runs, and empties when it stops', async () => {
    // TTL = preSeconds + 2 segments + alert latency = 2 + 2 + 1 = 5 s of 1 s segments.
    const cfg = configSchema.parse({
      redisPrefix: prefix,
      evidence: { preSeconds: 2, segmentSeconds: 1, alertLatencySeconds: 1 },
      detect: { partitions: 4 },
    });
    const keys = redisKeys(prefix, 4);
    const segments = new SegmentStore(redis, { prefix, partitions: 4 });
    // A camera with a keyframe every second (the fixtures have longer GOPs, and segments are cut at keyframes).
    const source = join(dir, 'gop1s.mp4');
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '8'].concat([
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-g',
        '25',
        '-pix_fmt',
        'yuv420p',
        '-y',
        source,
      ]),
    );
    const cam = { id: 'cam-bound', url: source };
    const rec = new ClipRecorder(cam, {
      cfg,
      log: createLogger({ log: { level: 'silent', format: 'json' } }),
      segments,
    });
    const held = async () => {
      const live = await segments.overlapping(cam.id, 0, Date.now() + 60_000);
      return { count: live.length, oldestAgeMs: live.length ? Date.now() - live[0]!.endMs : 0 };
    };
    rec.start();
    const samples: { count: number; oldestAgeMs: number }[] = [];
    // Three TTLs of recording: a buffer that kept everything would hold ~15 segments by the end.
    for (const until = Date.now() + 15_000; Date.now() < until; ) {
      samples.push(await held());
      await new Promise((r) => setTimeout(r, 500));
    }
    await rec.stop();
    expect(rec.segmentsStored).toBeGreaterThanOrEqual(10);
    const late = samples.slice(samples.length / 2);
    // 5 s of 1 s segments (cut at the fixture's keyframes), plus the one being read as it expires.
    expect(Math.max(...late.map((s) => s.count))).toBeLessThanOrEqual(7);
    expect(Math.max(...late.map((s) => s.oldestAgeMs))).toBeLessThanOrEqual(5_000 + 1_000);
    await until('the buffer to empty once the camera stops', async () => (await held()).count === 0, 10_000);
    expect(await redis.keys(`${keys.videoSegment(cam.id, 0).replace(/0$/, '')}*`)).toEqual([]);
  }, 60_000);

  it("keeps a camera's last seconds past the buffer TTL when its stream ends, for the tampering alert", async () => {
    const cfg = configSchema.parse({
      redisPrefix: prefix,
      evidence: { preSeconds: 2, segmentSeconds: 1, alertLatencySeconds: 1 },
      ingest: { offlineSeconds: 15 },
      detect: { partitions: 4 },
    });
    // A camera that streams once and then is gone (an HTTP source that answers 404 after the first request).
    let served = 0;
    const server = createServer((_req, res) => {
      if (served++) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.end(readFileSync(fixture('enrolled-walk-in').video));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const segments = new SegmentStore(redis, { prefix, partitions: 4 });
    const cam = { id: 'cam-dark', url: `http://127.0.0.1:${port}/cam.mp4` };
    const rec = new ClipRecorder(cam, {
      cfg,
      log: createLogger({ log: { level: 'silent', format: 'json' } }),
      segments,
    });
    rec.start();
    try {
      await until('the stream to end', () => served >= 2, 30_000);
      const last = (await segments.overlapping(cam.id, 0, Date.now() + 60_000)).at(-1)!;
      // Pinned for offlineSeconds + alert latency + 2 segments (18 s), well past the 5 s buffer TTL.
      const ttl = await redis.pttl(redisKeys(prefix, 4).videoSegment(cam.id, last.startMs));
      expect(ttl).toBeGreaterThan(10_000);
      expect(ttl).toBeLessThanOrEqual(18_000);
    } finally {
      await rec.stop();
      server.close();
    }
  }, 60_000);

  it('records an RTSP camera that refuses TCP, finding UDP by itself (ingest.rtspTransport auto)', async () => {
    const server = await startRtspServer();
    const publisher = startRtspPublisher({
      file: fixture('enrolled-walk-in').video,
      url: server.publishUrl('cam'),
      loop: true,
    });
    const cfg = configSchema.parse({ redisPrefix: prefix, evidence: { segmentSeconds: 1 }, detect: { partitions: 4 } });
    const segments = new SegmentStore(redis, { prefix, partitions: 4 });
    const rec = new ClipRecorder(
      { id: 'cam-rtsp', url: server.url('cam') },
      { cfg, log: createLogger({ log: { level: 'silent', format: 'json' } }), segments },
    );
    rec.start();
    try {
      await until('two segments from the RTSP camera', () => rec.segmentsStored >= 2, 45_000);
    } finally {
      await rec.stop();
      await publisher.stop();
      await server.stop();
    }
  }, 60_000);
});
