import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { deleteKeysWithPrefix } from '../runtime/redis.js';

/** URL of the test run's Redis (private redis-server unless REDIS_URL was set). */
export const testRedisUrl = (): string => inject('redisUrl');

/** A key prefix of this test's own; `cleanup` deletes every key under it. */
export function testPrefix(name: string): { prefix: string; cleanup: () => Promise<void> } {
  const prefix = `wptest-${name}-${randomBytes(4).toString('hex')}`;
  return {
    prefix,
    async cleanup() {
      const redis = new Redis(testRedisUrl());
      try {
        await deleteKeysWithPrefix(redis, prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}
