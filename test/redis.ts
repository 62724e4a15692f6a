import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

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
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
