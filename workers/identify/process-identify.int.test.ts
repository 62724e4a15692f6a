import { join } from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, FaceChain, PersonDetector } from '../../models/index.js';
import { packageDir } from '../../models/prepare/package-dir.js';
import { bystanderSeconds, configSchema } from '../../pipeline/config/index.js';
import { matchEventSchema } from '../../pipeline/events.js';
import { headRegion } from '../../pipeline/best-frame.js';
import type { Box } from '../../pipeline/geometry.js';
import { QUEUE, type IdentifyJob } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import type { WatchlistContent } from '../../pipeline/watchlist.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { createLogger } from '../../runtime/logger.js';
import { openQueue, type JobQueue } from '../../runtime/queues.js';
import { readFaceSizes } from '../../runtime/face-sizes.js';
import { appendTrackLog } from '../../runtime/track-log.js';
import { WatchlistChannel } from '../../runtime/watchlist-channel.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { faceCropJpeg } from './face-crop.js';
import { processIdentify, type IdentifyDeps } from './process-identify.js';
import { WatchlistCache, WatchlistError } from './watchlist-cache.js';

/**
 * Real models on photos that ship with the dependencies. subject-a (the fixtures' enrolled
 * man, see fixtures/generator/cast.ts) is enrolled from one photo and appears in a frame
 * made from a different photo of him; strangers are the women of face-api's sample6.jpg,
 * found by the real person detector. The identify stage must raise exactly one match,
 * for his track only.
 */
describe('processIdentify (real models, Redis, BullMQ)', () => {
  const { prefix, cleanup } = testPrefix('identify');
  const cfg = configSchema.parse({ redisPrefix: prefix, dataDir: process.env.WATCHPOST_DATA_DIR ?? './data' });
  const keys = redisKeys(prefix, cfg.detect.partitions);
  const log = createLogger({ log: { level: 'silent', format: 'json' } });
  let redis: Redis;
  let alerts: JobQueue<'alerts'>;
  let watchlist: WatchlistCache;
  let deps: IdentifyDeps;
  let chain: FaceChain;
  /** His frame: head and shoulders of a webcam photo over a plain wall, 640x640; the person box is known. */
  const him = { jpeg: Buffer.alloc(0), personBox: [170, 50, 470, 640] as Box };
  /** The strangers' frame and the person farthest from him in face space. */
  const strangers = { jpeg: Buffer.alloc(0), personBox: [0, 0, 1, 1] as Box };
  let seq = 0;

  const publish = (content: WatchlistContent) => new WatchlistChannel(redis, prefix).publish(content);

  beforeAll(async () => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const [detector, faceChain] = await Promise.all([PersonDetector.create(cfg, log), FaceChain.create(cfg, log)]);
    chain = faceChain;
    const assets = join(packageDir('@vladmandic/human'), 'assets');
    const enrolPhoto = await sharp(join(assets, 'screenshot-facedetect.jpg'))
      .extract({ left: 5, top: 342, width: 155, height: 158 })
      .resize(310)
      .png()
      .toBuffer();
    const enrolled = await chain.enrolmentDescriptor(await decodeImage(enrolPhoto));
    if (!enrolled.ok) throw new Error(`enrolment failed: ${enrolled.message}`);
    const face = await sharp(join(assets, 'screenshot-faceid.jpg'))
      .extract({ left: 15, top: 142, width: 140, height: 137 })
      .resize(280)
      .toBuffer();
    him.jpeg = await sharp({ create: { width: 640, height: 640, channels: 3, background: { r: 120, g: 125, b: 118 } } })
      .composite([
        { input: face, left: 180, top: 60 },
        {
          input: { create: { width: 280, height: 306, channels: 3, background: { r: 38, g: 38, b: 42 } } },
          left: 180,
          top: 334,
        },
      ])
      .jpeg({ quality: 92 })
      .toBuffer();

    strangers.jpeg = await sharp(join(packageDir('@vladmandic/face-api'), 'demo', 'sample6.jpg'))
      .resize(1280)
      .jpeg({ quality: 92 })
      .toBuffer();
    const group = await decodeImage(strangers.jpeg);
    const people = await detector.detect(group);
    expect(people.length).toBeGreaterThanOrEqual(4);
    const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]!));
    const scored = await Promise.all(
      people.map(async (p) => {
        const centre = (p.box[0] + p.box[2]) / 2;
        const faces = await chain.describeAll(group, headRegion(p.box, group));
        const own = faces.sort(
          (a, b) =>
            Math.abs((a.face.box[0] + a.face.box[2]) / 2 - centre) -
            Math.abs((b.face.box[0] + b.face.box[2]) / 2 - centre),
        )[0];
        return { p, d: own ? dist(own.descriptor, enrolled.descriptor) : 0 };
      }),
    );
    const farthest = scored.sort((a, b) => b.d - a.d)[0]!;
    expect(farthest.d).toBeGreaterThan(chain.matchThreshold + 0.05);
    strangers.personBox = farthest.p.box;

    await publish({
      embedder: chain.embedderId,
      identities: [{ id: 'p-subject-a', name: 'subject-a', descriptors: [Array.from(enrolled.descriptor)] }],
      cameras: { 'cam-x': ['p-subject-a'] },
      global: [],
    });
    alerts = openQueue(QUEUE.alerts, { cfg, connection: redis });
    watchlist = new WatchlistCache(redis, prefix, chain.embedderId, log);
    await watchlist.start();
    deps = {
      cfg,
      log,
      redis,
      keys,
      frames: new FrameStore(redis, { prefix, partitions: cfg.detect.partitions, ttlSeconds: 60 }),
      watchlist,
      decode: decodeImage,
      describe: (i, region) => chain.describeAll(i, region),
      threshold: chain.matchThreshold,
      cropJpeg: faceCropJpeg,
      alertsQueue: alerts,
    };
  });
  afterAll(async () => {
    await watchlist?.close();
    await alerts?.close();
    redis?.disconnect();
    await cleanup();
  });

  async function job(cameraId: string, trackId: string, frame: { jpeg: Buffer; personBox: Box }): Promise<IdentifyJob> {
    const s = seq++;
    const frameKey = await deps.frames.putFrame(cameraId, s, frame.jpeg);
    const { width, height } = await sharp(frame.jpeg).metadata();
    return {
      cameraId,
      seq: s,
      ts: 1_000_000 + s * 200,
      frameKey,
      width: width!,
      height: height!,
      mode: 'live',
      trackId,
      personBox: frame.personBox,
      trackStartTs: 1_000_000,
    };
  }

  it('raises one match for the enrolled track after k votes, none for the stranger, and keeps crops only of him', async () => {
    const outA: string[] = [];
    const outB: string[] = [];
    const jobsA: IdentifyJob[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await job('cam-x', 'e-t1', him);
      jobsA.push(a);
      outA.push((await processIdentify(a, deps)).outcome);
      outB.push((await processIdentify(await job('cam-x', 'e-t2', strangers), deps)).outcome);
    }
    expect(outA).toEqual(['voted', 'matched', 'already_matched']);
    expect(outB).toEqual(['voted', 'voted', 'voted']);

    const queued = await alerts.queue.getJobs(['waiting']);
    expect(queued).toHaveLength(1);
    const event = matchEventSchema.parse(queued[0]!.data);
    expect(queued[0]!.id).toBe(event.eventId);
    expect(event).toMatchObject({
      cameraId: 'cam-x',
      trackId: 'e-t1',
      perpetratorId: 'p-subject-a',
      name: 'subject-a',
      firstSeen: 1_000_000,
    });
    expect(event.distance).toBeLessThan(chain.matchThreshold);
    expect(event.scores.map((s) => s.seq)).toEqual([jobsA[0]!.seq, jobsA[1]!.seq]);
    const crop = await deps.frames.get(event.best.faceCropKey!);
    expect((await sharp(crop!).metadata()).format).toBe('jpeg');

    // Only faces under the threshold leave a crop: the stranger's track has none.
    const cropKeys = await redis.keys(`${prefix}:*:face:*`);
    expect(cropKeys.sort()).toEqual(
      jobsA
        .slice(0, 2)
        .map((j) => keys.faceCrop('cam-x', j.seq, 1))
        .sort(),
    );

    // Every live face described counts towards the camera's face-size hint: widths only, newest first.
    const widths = (await readFaceSizes(redis, keys, ['cam-x'])).get('cam-x')!;
    expect(widths).toHaveLength(5);
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(deps.cfg.identify.minFacePx);

    // The matching job retried (its worker died after storing the match): same event id, still one job.
    expect((await processIdentify(jobsA[1]!, deps)).outcome).toBe('matched');
    expect(await alerts.queue.getJobs(['waiting'])).toHaveLength(1);
  });

  /** As the detect worker logs a track that ended (the tracker lost it). */
  const ended = (trackId: string, firstTs: number, lastTs: number) =>
    appendTrackLog(
      redis,
      keys,
      'cam-x',
      [
        {
          type: 'track',
          cameraId: 'cam-x',
          trackId,
          firstTs,
          lastTs,
          firstSeq: 1,
          lastSeq: 2,
          hits: 2,
          identifyFrames: 2,
          best: null,
        },
      ],
      3600,
    );

  it('keeps one event per appearance when tracking splits it, and raises a new one after the gap', async () => {
    const at = async (trackId: string, ts: number): Promise<IdentifyJob> => ({
      ...(await job('cam-x', trackId, him)),
      ts,
      trackStartTs: ts,
    });
    const run = async (trackId: string, start: number) => {
      const out: string[] = [];
      for (const dt of [0, 200, 400]) out.push((await processIdentify(await at(trackId, start + dt), deps)).outcome);
      return out;
    };
    const t0 = 50_000_000;
    expect(await run('split-1', t0)).toEqual(['voted', 'matched', 'already_matched']);
    // The same walk, re-acquired as a new track 1.5 s after its last sighting: no second event.
    expect(await run('split-2', t0 + 1_900)).toEqual(['voted', 'already_matched', 'already_matched']);
    await ended('split-1', t0, t0 + 1_500);
    await ended('split-2', t0 + 1_900, t0 + 2_300);
    // Back after longer than identify.appearanceGapSeconds: a new appearance, a new event.
    expect(await run('split-3', t0 + 2_300 + cfg.identify.appearanceGapSeconds * 1000 + 1_000)).toEqual([
      'voted',
      'matched',
      'already_matched',
    ]);
    const events = (await alerts.queue.getJobs(['waiting']))
      .map((j) => matchEventSchema.parse(j.data))
      .filter((e) => e.trackId.startsWith('split-'));
    expect(events.map((e) => e.trackId).sort()).toEqual(['split-1', 'split-3']);

    // split-3's person stood still (identification had its frames long ago) and walked off,
    // re-acquired as a new track: split-3 has not ended, so this is still its appearance.
    const t1 = t0 + 2_300 + cfg.identify.appearanceGapSeconds * 1000 + 1_000;
    expect(await run('split-4', t1 + 9_000)).toEqual(['voted', 'already_matched', 'already_matched']);
    // Once the log says split-3 ended long before, a later track is a new appearance.
    await ended('split-3', t1, t1 + 2_000);
    await ended('split-4', t1 + 9_000, t1 + 10_000);
    const t2 = t1 + 10_000 + cfg.identify.appearanceGapSeconds * 1000 + 1_000;
    expect(await run('split-5', t2)).toEqual(['voted', 'matched', 'already_matched']);
    // split-5 never logged as ended, and the next walk-in comes after the live log has let
    // go of ended tracks (retention.bystanderSeconds): a missing end says nothing any more,
    // so it is an appearance of its own (it was merged, and its alert lost, after an outage).
    const retainMs = bystanderSeconds(cfg) * 1000;
    expect(await run('split-6', t2 + 400 + retainMs + 1_000)).toEqual(['voted', 'matched', 'already_matched']);
  });

  it('applies only the watchlist of the camera, and reloads a new snapshot without a restart', async () => {
    expect((await processIdentify(await job('cam-y', 'e-t3', him), deps)).outcome).toBe('no_watchlist');
    const { version: _v, ...current } = (await watchlist.current())!.snapshot;
    await publish({ ...current, cameras: { ...current.cameras, 'cam-y': ['p-subject-a'] } });
    expect((await processIdentify(await job('cam-y', 'e-t3', him), deps)).outcome).toBe('voted');

    await publish({ ...current, embedder: 'someone-else-512' });
    await expect(processIdentify(await job('cam-y', 'e-t3', him), deps)).rejects.toBeInstanceOf(WatchlistError);
  });
});
