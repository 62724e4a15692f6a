import { join } from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, FaceChain, PersonDetector, type DecodedImage, type PersonDetection } from '../../models/index.js';
import { packageDir } from '../../models/prepare/package-dir.js';
import { configSchema } from '../../pipeline/config/index.js';
import { matchEventSchema } from '../../pipeline/events.js';
import { headRegion } from '../../pipeline/best-frame.js';
import { QUEUE, type IdentifyJob } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import type { WatchlistSnapshot } from '../../pipeline/watchlist.js';
import { FrameStore } from '../../runtime/frame-store.js';
import { createLogger } from '../../runtime/logger.js';
import { openQueue, type JobQueue } from '../../runtime/queues.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { faceCropJpeg } from './face-crop.js';
import { processIdentify, type IdentifyDeps } from './process-identify.js';
import { WatchlistCache, WatchlistError } from './watchlist-cache.js';

/**
 * Real models on a real photo that ships with @vladmandic/face-api (four women standing
 * side by side): the person detector finds them, one is enrolled from a crop of her
 * head, and the identify stage must raise exactly one match, for her track only.
 */
describe('processIdentify (real models, Redis, BullMQ)', () => {
  const { prefix, cleanup } = testPrefix('identify');
  const cfg = configSchema.parse({ redisPrefix: prefix, dataDir: process.env.WATCHPOST_DATA_DIR ?? './data' });
  const keys = redisKeys(prefix);
  const log = createLogger({ log: { level: 'silent', format: 'json' } });
  let redis: Redis;
  let alerts: JobQueue<'alerts'>;
  let watchlist: WatchlistCache;
  let deps: IdentifyDeps;
  let chain: FaceChain;
  let img: DecodedImage;
  let jpeg: Buffer;
  let people: PersonDetection[];
  let stranger: PersonDetection;
  let seq = 0;

  async function publish(snapshot: WatchlistSnapshot): Promise<void> {
    await redis.multi().set(keys.watchlistCurrent, JSON.stringify(snapshot)).set(keys.watchlistVersion, String(snapshot.version)).exec();
    await redis.publish(keys.watchlistChanged, String(snapshot.version));
  }

  beforeAll(async () => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const photo = join(packageDir('@vladmandic/face-api'), 'demo', 'sample6.jpg');
    jpeg = await sharp(photo).resize(1280).jpeg({ quality: 92 }).toBuffer();
    img = await decodeImage(jpeg);
    const [detector, faceChain] = await Promise.all([PersonDetector.create(cfg, log), FaceChain.create(cfg, log)]);
    chain = faceChain;
    people = (await detector.detect(img)).sort((a, b) => a.box[0] - b.box[0]);
    // Enrol the leftmost woman from a crop of her head (a different image from the frames).
    const head = headRegion(people[0]!.box, img);
    const crop = await decodeImage(
      await sharp(jpeg)
        .extract({ left: Math.round(head[0]), top: Math.round(head[1]), width: Math.round(head[2] - head[0]), height: Math.round(head[3] - head[1]) })
        .png()
        .toBuffer(),
    );
    const enrolled = await chain.enrolmentDescriptor(crop);
    if (!enrolled.ok) throw new Error(`enrolment failed: ${enrolled.message}`);
    // The stranger: the person whose face is farthest from hers (look-alikes exist even in one photo).
    const own = async (p: PersonDetection) => {
      const centre = (p.box[0] + p.box[2]) / 2;
      const faces = await chain.describeAll(img, headRegion(p.box, img));
      return faces.sort((a, b) => Math.abs((a.face.box[0] + a.face.box[2]) / 2 - centre) - Math.abs((b.face.box[0] + b.face.box[2]) / 2 - centre))[0]!;
    };
    const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]!));
    const others = await Promise.all(people.slice(1).map(async (p) => ({ p, d: dist((await own(p)).descriptor, enrolled.descriptor) })));
    const farthest = others.sort((a, b) => b.d - a.d)[0]!;
    expect(farthest.d).toBeGreaterThan(chain.matchThreshold + 0.05);
    stranger = farthest.p;
    await publish({
      version: 1,
      embedder: chain.embedderId,
      identities: [{ id: 'p-left', name: 'Left', descriptors: [Array.from(enrolled.descriptor)] }],
      cameras: { 'cam-x': ['p-left'] },
      global: [],
    });
    alerts = openQueue(QUEUE.alerts, { cfg, connection: redis });
    watchlist = new WatchlistCache(redis, keys, chain.embedderId, log);
    await watchlist.start();
    deps = {
      cfg,
      log,
      redis,
      keys,
      frames: new FrameStore(redis, { prefix, ttlSeconds: 60 }),
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

  async function job(cameraId: string, trackId: string, person: PersonDetection): Promise<IdentifyJob> {
    const s = seq++;
    const frameKey = await deps.frames.putFrame(cameraId, s, jpeg);
    return { cameraId, seq: s, ts: 1_000_000 + s * 200, frameKey, width: img.width, height: img.height, mode: 'live', trackId, personBox: person.box, trackStartTs: 1_000_000 };
  }

  it('finds the four people in the photo', () => {
    expect(people.length).toBeGreaterThanOrEqual(4);
  });

  it('raises one match for the enrolled track after k votes, none for the others, and keeps crops only of her', async () => {
    const outA: string[] = [];
    const outB: string[] = [];
    const jobsA: IdentifyJob[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await job('cam-x', 'e-t1', people[0]!);
      jobsA.push(a);
      outA.push((await processIdentify(a, deps)).outcome);
      outB.push((await processIdentify(await job('cam-x', 'e-t2', stranger), deps)).outcome);
    }
    expect(outA).toEqual(['voted', 'matched', 'already_matched']);
    expect(outB).toEqual(['voted', 'voted', 'voted']);

    const queued = await alerts.queue.getJobs(['waiting']);
    expect(queued).toHaveLength(1);
    const event = matchEventSchema.parse(queued[0]!.data);
    expect(queued[0]!.id).toBe(event.eventId);
    expect(event).toMatchObject({ cameraId: 'cam-x', trackId: 'e-t1', perpetratorId: 'p-left', name: 'Left', firstSeen: 1_000_000 });
    expect(event.distance).toBeLessThan(chain.matchThreshold);
    expect(event.scores.map((s) => s.seq)).toEqual([jobsA[0]!.seq, jobsA[1]!.seq]);
    const crop = await redis.getBuffer(event.best.faceCropKey!);
    expect((await sharp(crop!).metadata()).format).toBe('jpeg');

    // Only faces under the threshold leave a crop: the stranger's track has none.
    const cropKeys = await redis.keys(`${prefix}:face:*`);
    expect(cropKeys.length).toBe(2);

    // The matching job retried (its worker died after storing the match): same event id, still one job.
    expect((await processIdentify(jobsA[1]!, deps)).outcome).toBe('matched');
    expect(await alerts.queue.getJobs(['waiting'])).toHaveLength(1);
  });

  it('applies only the watchlist of the camera, and reloads a new snapshot without a restart', async () => {
    expect((await processIdentify(await job('cam-y', 'e-t3', people[0]!), deps)).outcome).toBe('no_watchlist');
    const current = (await watchlist.current())!.snapshot;
    await publish({ ...current, version: 2, cameras: { ...current.cameras, 'cam-y': ['p-left'] } });
    expect((await processIdentify(await job('cam-y', 'e-t3', people[0]!), deps)).outcome).toBe('voted');

    await publish({ ...current, version: 3, embedder: 'someone-else-512' });
    await expect(processIdentify(await job('cam-y', 'e-t3', people[0]!), deps)).rejects.toBeInstanceOf(WatchlistError);
  });
});
