import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../runtime/embedded-redis.js';
import { freePort } from '../../runtime/embedded-redis.js';
import {
  detectQueueOf,
  footageDir,
  frameJobsOf,
  makeClip,
  testConfig,
  testContext,
} from '../../test/ingest-test-kit.js';
import { startIngestWorker, type IngestWorker } from './index.js';

describe('ingest across a Redis restart', () => {
  const footage = footageDir();
  let own: EmbeddedRedis | null = null;
  let worker: IngestWorker | null = null;
  let clip: string;
  beforeAll(() => {
    clip = makeClip(footage.dir, 'loop.mp4', 8);
  });
  afterAll(async () => {
    await worker?.close();
    await own?.stop();
    footage.remove();
  });

  it('keeps running while Redis is away and resumes queuing frames when it returns', async () => {
    const port = await freePort();
    own = await startEmbeddedRedis({ port });
    const cfg = testConfig({
      redisPrefix: 'restart',
      cameras: [{ id: 'yard', url: clip, fps: 5 }],
      ingest: { maxInFlightPerCamera: 100, allowFileSources: true },
      detect: { partitions: 1 },
    });
    worker = await startIngestWorker(testContext(cfg, own.url));
    await worker.ready;
    const count = async () => {
      const redis = new Redis(own!.url, { maxRetriesPerRequest: null });
      const queue = detectQueueOf(cfg, redis, 'yard');
      try {
        return (await frameJobsOf(queue, 'yard')).length;
      } finally {
        await queue.close();
        redis.disconnect();
      }
    };
    await expect.poll(count, { timeout: 15_000, interval: 200 }).toBeGreaterThanOrEqual(3);

    // While Redis is away, ffmpeg is still read (frames counted, then dropped), nothing throws.
    const session = worker.sessions.get('yard')!;
    await own.stop();
    const before = session.status().framesTotal;
    await new Promise((r) => setTimeout(r, 1500));
    expect(session.status().framesTotal).toBeGreaterThan(before);
    own = await startEmbeddedRedis({ port });
    // The new server starts empty (no persistence): frames queued now came after the restart.
    await expect.poll(count, { timeout: 20_000, interval: 300 }).toBeGreaterThanOrEqual(3);
    expect(worker.sessions.get('yard')).toBe(session);
    await worker.close();
    worker = null;
  }, 60_000);
});
