import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../models/frame-decoder.js';
import type { DecodedImage } from '../../models/image.js';
import { configSchema } from '../../pipeline/config/index.js';
import { cameraDetectionsSchema } from '../../pipeline/events.js';
import { BEST_FRAME_DEFAULTS } from '../../pipeline/best-frame.js';
import type { Box } from '../../pipeline/geometry.js';
import { motionMask } from '../../pipeline/motion-gate.js';
import { QUEUE, type FrameJob } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { openQueue, type JobQueue } from '../../runtime/queues.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { DetectStateConflictError, DetectStateStore } from './detect-state.js';
import { finishCamera, processFrame, type DetectDeps } from './process-frame.js';
import { readTrackLog } from '../../runtime/track-log.js';

const W = 320;
const H = 180;

const DARK = [10, 10, 10] as const;
const RED = [220, 20, 20] as const;

/** A textured background with, optionally, a 40x100 "person" (dark unless told) whose left edge is at x. */
async function frameJpeg(personX: number | null, clothes: readonly number[] = DARK): Promise<Buffer> {
  const raw = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const inside = personX !== null && x >= personX && x < personX + 40 && y >= 40 && y < 140;
      const v = 90 + ((x * 31 + y * 17) % 60);
      raw.set(inside ? clothes : [v, v, v], (y * W + x) * 3);
    }
  return sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Finds the dark or red blob in the real decoded pixels: a stand-in person detector for this synthetic scene. */
async function blobDetector(img: DecodedImage): Promise<Array<{ box: Box; score: number }>> {
  let [x1, y1, x2, y2, n] = [Infinity, Infinity, -1, -1, 0];
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      if ((r < 45 && g < 45 && b < 45) || (r > 150 && g < 80 && b < 80)) {
        n++;
        [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
      }
    }
  return n > 200 ? [{ box: [x1, y1, x2, y2], score: 0.9 }] : [];
}

describe('processFrame (real Redis, BullMQ, libjpeg-turbo)', () => {
  const { prefix, cleanup } = testPrefix('detect');
  const cfg = configSchema.parse({ redisPrefix: prefix, detect: { partitions: 1 } });
  const keys = redisKeys(prefix, cfg.detect.partitions);
  let redis: Redis;
  let identifyQueue: JobQueue<'identify'>;
  let deps: DetectDeps;
  let frames: FrameStore;
  let seq = 0;
  const decoder = new FrameDecoder(1);
  /** Pixel buffers decoded and not yet released. */
  const outstanding = new Set<Buffer>();

  beforeAll(async () => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    identifyQueue = openQueue(QUEUE.identify, { cfg, connection: redis });
    frames = new FrameStore(redis, { prefix, partitions: 1, ttlSeconds: 60 });
    deps = {
      cfg,
      redis,
      keys,
      states: new DetectStateStore(redis, keys),
      decode: async (jpeg) => {
        const img = await decoder.decode(jpeg);
        outstanding.add(img.data);
        return img;
      },
      release: (img) => {
        outstanding.delete(img.data);
        decoder.release(img);
      },
      detectPersons: blobDetector,
      identifyQueue,
      mask: motionMask([]),
    };
  });
  afterAll(async () => {
    await identifyQueue.close();
    redis.disconnect();
    await cleanup();
  });

  /** Stores a frame of camera `cam` and returns its job (5 fps clock). */
  async function frame(
    cam: string,
    personX: number | null,
    bytes?: Buffer,
    clothes?: readonly number[],
  ): Promise<FrameJob> {
    const s = seq++;
    const frameKey = await frames.putFrame(cam, s, bytes ?? (await frameJpeg(personX, clothes)));
    return {
      cameraId: cam,
      seq: s,
      ts: 1_000_000 + s * 200,
      frameKey,
      width: W,
      height: H,
      mode: 'lossless',
      replayId: 'r1',
    };
  }

  it('skips still frames, tracks a person walking through, selects frames and logs the ended track', async () => {
    const outcomes: string[] = [];
    const positions = [null, null, null, 10, 30, 50, 70, 90, 110, 130, 150, ...Array<null>(20).fill(null)];
    for (const x of positions) outcomes.push((await processFrame(await frame('cam-a', x), deps)).outcome);
    // First frame: no reference yet; then still frames are skipped; motion starts detection, which stays on while the track lives.
    expect(outcomes.slice(0, 4)).toEqual(['detected', 'skipped', 'skipped', 'detected']);
    expect(outcomes.slice(4, 11).every((o) => o === 'detected')).toBe(true);
    expect(outcomes.at(-1)).toBe('skipped');

    const jobs = await identifyQueue.queue.getJobs(['waiting']);
    const mine = jobs.filter((j) => j.data.cameraId === 'cam-a');
    // Confirmed on its 2nd frame, then quick frames, then only better or refreshed ones: not every frame.
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.length).toBeLessThan(8);
    const trackIds = new Set(mine.map((j) => j.data.trackId));
    expect(trackIds.size).toBe(1);
    for (const j of mine) {
      expect(j.id).toBe(`cam-a|${j.data.seq}|${j.data.trackId}`);
      expect(j.data.personBox[2] - j.data.personBox[0]).toBeCloseTo(40, -1);
    }

    const log = await readTrackLog(redis, keys, 'cam-a');
    const tracks = log.filter((r) => r.type === 'track');
    expect(tracks).toHaveLength(1);
    expect(tracks[0]).toMatchObject({
      trackId: [...trackIds][0],
      hits: 8,
      identifyFrames: mine.length,
      replayId: 'r1',
    });
    expect(tracks[0]!.type === 'track' && tracks[0]!.best?.frameKey).toMatch(/^wptest-detect-/);

    const counters = await finishCamera(deps, 'cam-a');
    expect(counters).toMatchObject({ frames: positions.length, expired: 0, corrupt: 0 });
    expect(counters.detected + counters.skipped).toBe(positions.length);
    // Skipped: frames 1-2 (still), and 27-30: the lost track keeps detection on until it ends, 3 s after frame 10.
    expect(counters.skipped).toBe(6);
  });

  it('starts the frame budget again when somebody else carries on a track (the detector saw one box where two people crossed)', async () => {
    // A budget of 2 frames with no refresh: spent by the first person.
    const tight: DetectDeps = {
      ...deps,
      bestFrame: { ...BEST_FRAME_DEFAULTS, quickFrames: 1, minGain: 100, refreshMs: 1e9, maxPerTrack: 2 },
    };
    const sent = async (cam: string) =>
      (await identifyQueue.queue.getJobs(['waiting'])).filter((j) => j.data.cameraId === cam).map((j) => j.data);
    for (const [cam, second] of [
      ['cam-same', DARK],
      ['cam-handover', RED],
    ] as const) {
      for (const x of [10, 25, 40, 55, 70]) await processFrame(await frame(cam, x), tight);
      expect(await sent(cam)).toHaveLength(1);
      // The box moves on smoothly (same track by IoU), worn by the first person or by somebody in red.
      for (const x of [85, 100, 115]) await processFrame(await frame(cam, x, undefined, second), tight);
    }
    const same = await sent('cam-same');
    const handover = await sent('cam-handover');
    expect(new Set(handover.map((j) => j.trackId)).size).toBe(1);
    expect(same).toHaveLength(1);
    expect(handover).toHaveLength(2);
    expect(handover.map((j) => j.personBox[0]).sort((a, b) => a - b)[1]).toBeGreaterThanOrEqual(80);
  });

  it('records the tracked people of a live camera for the camera wall (replays do not)', async () => {
    let job: FrameJob | null = null;
    for (const x of [null, 30, 50, 70]) {
      job = { ...(await frame('cam-live', x)), mode: 'live', replayId: undefined };
      await processFrame(job, deps);
    }
    const seen = cameraDetectionsSchema.parse(JSON.parse((await redis.get(keys.cameraDetections('cam-live')))!));
    expect(seen).toMatchObject({ cameraId: 'cam-live', seq: job!.seq, frameKey: job!.frameKey, width: W, height: H });
    expect(seen.persons).toHaveLength(1);
    expect(seen.persons[0]!.box[0]).toBeCloseTo(70, -1);
    expect(seen.persons[0]!.box[2] - seen.persons[0]!.box[0]).toBeCloseTo(40, -1);
    expect(await redis.ttl(keys.cameraDetections('cam-live'))).toBeGreaterThan(0);
    expect(await redis.exists(keys.cameraDetections('cam-a'))).toBe(0);
  });

  it('sets and appends the save effects only with a state save that wins', async () => {
    const { state, rev } = await deps.states.load('cam-race', 0);
    const boxes = { op: 'set', key: keys.cameraDetections('cam-race'), value: '{"seq":1}', ttlSeconds: 60 } as const;
    const done = {
      op: 'push',
      key: keys.framesDone('cam-race', 'r9'),
      value: 'r9-cam-race-1',
      ttlSeconds: 60,
    } as const;
    await deps.states.save('cam-race', rev, state);
    // A stale revision: another worker saved in between, and its effects stand.
    await expect(deps.states.save('cam-race', rev, state, [boxes, done])).rejects.toThrow(DetectStateConflictError);
    expect(await redis.exists(boxes.key, done.key)).toBe(0);
    await deps.states.save('cam-race', '1', state, [boxes, done]);
    await deps.states.save('cam-race', '2', state, [{ ...done, value: 'r9-cam-race-2' }]);
    expect(await redis.get(boxes.key)).toBe('{"seq":1}');
    expect(await redis.lrange(done.key, 0, -1)).toEqual(['r9-cam-race-1', 'r9-cam-race-2']);
    for (const key of [boxes.key, done.key]) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it("reports each lossless frame done to its replay's publisher, whatever the outcome, and live frames not", async () => {
    const doneKey = keys.framesDone('cam-done', 'r1');
    const jobs = [await frame('cam-done', null), await frame('cam-done', null), await frame('cam-done', 30)];
    for (const j of jobs) await processFrame(j, deps);
    const corrupt = await frame('cam-done', null, Buffer.from('not a jpeg'));
    await expect(processFrame(corrupt, deps)).rejects.toBeInstanceOf(UnrecoverableError);
    expect((await processFrame(jobs[2]!, deps)).outcome).toBe('repeat');
    await processFrame({ ...(await frame('cam-done', 40)), mode: 'live', replayId: undefined }, deps);
    expect(await redis.lrange(doneKey, 0, -1)).toEqual([...jobs, corrupt].map((j) => `r1-cam-done-${j.seq}`));
    expect(await redis.exists(keys.framesDone('cam-done', ''))).toBe(0);
  });

  it('re-sends the same output for a retried frame and never duplicates identify jobs', async () => {
    let last: FrameJob | null = null;
    for (const x of [0, 20, 40, 60]) {
      last = await frame('cam-b', x);
      await processFrame(last, deps);
    }
    const count = async () =>
      (await identifyQueue.queue.getJobs(['waiting'])).filter((j) => j.data.cameraId === 'cam-b').length;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    expect((await processFrame(last!, deps)).outcome).toBe('repeat');
    expect(await count()).toBe(before);
  });

  it('continues a camera in another worker instance (state in Redis)', async () => {
    const other: DetectDeps = { ...deps, states: new DetectStateStore(redis.duplicate(), keys) };
    const ids = new Set<string>();
    for (const [i, x] of [0, 15, 30, 45, 60, 75].entries()) {
      const out = await processFrame(await frame('cam-c', x), i % 2 ? other : deps);
      expect(out.outcome).toBe('detected');
    }
    for (const j of await identifyQueue.queue.getJobs(['waiting']))
      if (j.data.cameraId === 'cam-c') ids.add(j.data.trackId);
    expect(ids.size).toBe(1);
  });

  it('gives every decoded frame back to the decoder, whatever the outcome', async () => {
    const failing: DetectDeps = { ...deps, detectPersons: () => Promise.reject(new Error('inference failed')) };
    await processFrame(await frame('cam-r', null), deps);
    expect((await processFrame(await frame('cam-r', null), deps)).outcome).toBe('skipped');
    await expect(processFrame(await frame('cam-r', 40), failing)).rejects.toThrow('inference failed');
    expect((await processFrame(await frame('cam-r', 60), deps)).outcome).toBe('detected');
    expect(outstanding.size).toBe(0);
  });

  it('counts expired, corrupt and out-of-order frames', async () => {
    const gone = await frame('cam-d', null);
    await redis.del(gone.frameKey);
    expect((await processFrame(gone, deps)).outcome).toBe('expired');

    const bad = await frame('cam-d', null, Buffer.from('definitely not a jpeg'));
    await expect(processFrame(bad, deps)).rejects.toBeInstanceOf(UnrecoverableError);
    const truncated = await frame('cam-d', null, (await frameJpeg(10)).subarray(0, 600));
    await expect(processFrame(truncated, deps)).rejects.toBeInstanceOf(UnrecoverableError);

    const newer = await frame('cam-d', null);
    await processFrame(newer, deps);
    expect((await processFrame({ ...bad, ts: newer.ts - 1000, seq: 0 }, deps)).outcome).toBe('out_of_order');

    const counters = await finishCamera(deps, 'cam-d');
    expect(counters).toMatchObject({ expired: 1, corrupt: 2, outOfOrder: 1 });
  });
});
