import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../pipeline/config/index.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.js';
import type { Logger } from './logger.js';

/**
 * Connection for BullMQ workers and blocking consumers: retries forever
 * (`maxRetriesPerRequest: null`), so a Redis restart pauses work instead of failing it.
 */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

/**
 * Connection for request paths (API producers): fails fast while Redis is down,
 * so a request can answer 503 instead of hanging.
 */
export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, ...extra });
}

/**
 * The Redis URL to use: the configured one, or a private redis-server started
 * for the life of this process (`stop` must be called on shutdown).
 */
export async function resolveRedis(cfg: Config, log: Logger): Promise<{ url: string; embedded: EmbeddedRedis | null }> {
  if (cfg.redisUrl) return { url: cfg.redisUrl, embedded: null };
  const embedded = await startEmbeddedRedis();
  log.info({ port: embedded.port }, 'REDIS_URL not set: started a private redis-server (no persistence)');
  return { url: embedded.url, embedded };
}

/** Deletes every key under `<prefix>:` (a test run's, or a finished replay's), without blocking Redis. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
