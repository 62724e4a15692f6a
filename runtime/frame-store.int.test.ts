import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testPrefix, testRedisUrl } from '../test/redis.js';
import { partitionOf } from '../pipeline/queues.js';
import { FrameStore } from './frame-store.js';

describe('FrameStore', () => {
  const { prefix, cleanup } = testPrefix('frames');
  const redis = new Redis(testRedisUrl());
  const store = new FrameStore(redis, { prefix, partitions: 4, ttlSeconds: 30 });
  afterAll(async () => {
    await cleanup();
    redis.disconnect();
  });

  it('round-trips binary bytes under a key with a TTL', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0x00, 0x80, 0xff, 0xd9]);
    const key = await store.putFrame('cam-1', 42, bytes);
    expect(key).toBe(`${prefix}:{detect-${partitionOf('cam-1', 4)}}:frame:cam-1:42`);
    expect(await store.get(key)).toEqual(bytes);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('answers null for an expired or deleted frame', async () => {
    const a = await store.putFrame('cam-1', 1, Buffer.from('a'));
    const b = await store.putFaceCrop('cam-1', 1, 0, Buffer.from('b'));
    await redis.pexpire(a, 20);
    await new Promise((r) => setTimeout(r, 60));
    expect(await store.get(a)).toBeNull();
    await store.delete(b);
    expect(await store.get(b)).toBeNull();
    expect(await store.keep(b, 60)).toBe(false);
  });
});
