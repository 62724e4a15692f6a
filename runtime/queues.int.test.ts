import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB, QUEUE, type FrameJob } from '../pipeline/queues.js';
import { globalKeys } from '../pipeline/redis-keys.js';
import { testPrefix, testRedisUrl } from '../test/redis.js';
import {
  HandlerRegistryError,
  InvalidJobDataError,
  openDetectQueues,
  openQueue,
  registerHandlers,
  startConsumer,
} from './queues.js';
import { freePort, startEmbeddedRedis } from './embedded-redis.js';
import { workerConnection } from './redis.js';

const frame = (seq: number): FrameJob => ({
  cameraId: 'cam-1',
  seq,
  ts: 1000 + seq,
  frameKey: `k:${seq}`,
  width: 320,
  height: 240,
  mode: 'live',
});

describe('registerHandlers', () => {
  const noop = async () => undefined;
  it('refuses a job without a handler', () => {
    expect(() => registerHandlers(QUEUE.alerts, { [JOB.match]: noop, [JOB.cameraOffline]: noop })).toThrow(
      /camera.online' has no handler/,
    );
  });
  it('refuses a job with two handlers across groups', () => {
    expect(() => registerHandlers(QUEUE.identify, { [JOB.identify]: noop }, { [JOB.identify]: noop })).toThrow(
      HandlerRegistryError,
    );
  });
  it('refuses a handler for a job the queue does not carry', () => {
    const stray = { [JOB.frame]: noop, bogus: noop } as never;
    expect(() => registerHandlers(QUEUE.detect, stray)).toThrow(/'bogus' is not a job of queue detect/);
  });
});

describe('queues on real Redis', () => {
  const { prefix, cleanup } = testPrefix('queues');
  const cfg = { redisPrefix: prefix, detect: { partitions: 3 } } as never;
  let connection: Redis;
  beforeAll(() => {
    connection = workerConnection(testRedisUrl());
  });
  afterAll(async () => {
    await cleanup();
    connection.disconnect();
  });

  it('validates at the producer', async () => {
    const q = openQueue(QUEUE.identify, { cfg, connection });
    await expect(q.add(JOB.identify, { ...frame(1), trackId: 't', personBox: [0, 0, 1] } as never)).rejects.toThrow(
      InvalidJobDataError,
    );
    await q.close();
  });

  it('processes valid jobs in order per partition and fails invalid ones once, unrecoverably, keeping them', async () => {
    const detect = openDetectQueues({ cfg, connection });
    const q = detect.forCamera('cam-1');
    const seen: number[] = [];
    const processor = registerHandlers(QUEUE.detect, {
      [JOB.frame]: async (data) => {
        seen.push(data.seq);
      },
    });
    const partition = detect.partitions.indexOf(q);
    for (let seq = 0; seq < 5; seq++) await q.add(JOB.frame, frame(seq));
    // A producer that skipped validation (another version, a hand-made job).
    const raw = new Queue(q.queue.name, { connection, prefix: globalKeys(prefix).bull(q.queue.name) });
    const bad = await raw.add(JOB.frame, { cameraId: 'cam-1', seq: -1 });
    const worker = await startConsumer(QUEUE.detect, processor, { cfg, connection }, { partition });
    const failed = new Promise<Job>((resolve) => worker.on('failed', (job) => job && resolve(job)));
    const job = await failed;
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(5);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(job.id).toBe(bad.id);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/invalid detect\/frame job data/);
    expect(await raw.getJobState(bad.id!)).toBe('failed');
    expect(await raw.getGlobalConcurrency()).toBe(1);
    await worker.close();
    await raw.close();
    await detect.close();
  });

  it('retries a handler error with backoff instead of swallowing it', async () => {
    const q = openQueue(QUEUE.identify, { cfg, connection });
    let calls = 0;
    const processor = registerHandlers(QUEUE.identify, {
      [JOB.identify]: async () => {
        calls++;
        if (calls === 1) throw new Error('transient');
      },
    });
    const job = await q.add(
      JOB.identify,
      { ...frame(7), trackId: 't1', personBox: [0, 0, 10, 10] },
      { backoff: { type: 'fixed', delay: 10 } },
    );
    const worker = await startConsumer(QUEUE.identify, processor, { cfg, connection });
    await expect.poll(() => q.queue.getJobState(job.id!), { timeout: 10_000 }).toBe('completed');
    expect(calls).toBe(2);
    await worker.close();
    await q.close();
  });
});

describe('ordered detect partitions across a Redis restart', () => {
  it('sets the partition global concurrency again when a restarted Redis has forgotten it', async () => {
    const port = await freePort();
    let redis = await startEmbeddedRedis({ port });
    const connection = workerConnection(redis.url);
    connection.on('error', () => undefined);
    const cfg = { redisPrefix: 'ordered' } as never;
    const worker = await startConsumer(
      QUEUE.detect,
      registerHandlers(QUEUE.detect, { [JOB.frame]: async () => undefined }),
      { cfg, connection },
      { partition: 0 },
    );
    const probe = async (url: string) => {
      const c = new Redis(url, { maxRetriesPerRequest: null });
      const q = new Queue('detect-0', { connection: c, prefix: globalKeys('ordered').bull('detect-0') });
      try {
        return await q.getGlobalConcurrency();
      } finally {
        await q.close();
        c.disconnect();
      }
    };
    expect(await probe(redis.url)).toBe(1);
    await redis.stop();
    redis = await startEmbeddedRedis({ port });
    await expect.poll(() => probe(redis.url), { timeout: 15_000, interval: 250 }).toBe(1);
    // Forced: a graceful close right after the restart can wait on BullMQ's blocking
    // connection (1 run in 8 on a loaded machine); draining is not what this test is about.
    await worker.close(true);
    connection.disconnect();
    await redis.stop();
  });
});
