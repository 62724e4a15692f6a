import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../pipeline/config/index.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.js';
import type { Logger } from './logger.js';

/**
 * Where Redis is, as one string that passes unchanged through every process's options
 * (and to the processes a replay starts): a `redis://` URL, or what REDIS_SENTINELS and
 * REDIS_CLUSTER_NODES name, written `sentinel:<name>@host:port,...` and `cluster:host:port,...`.
 */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | { kind: 'sentinel'; name: string; sentinels: { host: string; port: number }[] }
  | { kind: 'cluster'; nodes: { host: string; port: number }[] };

const hostPorts = (list: string) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf(':');
      return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
    });

export function parseRedisTarget(target: string): RedisTarget {
  if (target.startsWith('sentinel:')) {
    const [name, list] = target.slice('sentinel:'.length).split('@') as [string, string];
    return { kind: 'sentinel', name, sentinels: hostPorts(list ?? '') };
  }
  if (target.startsWith('cluster:')) return { kind: 'cluster', nodes: hostPorts(target.slice('cluster:'.length)) };
  return { kind: 'url', url: target };
}

/**
 * A connection to the target. Sentinel: ioredis asks the sentinels for the current
 * primary, reconnects to the promoted replica after a fail-over, and with
 * `failoverDetector` hears of the switch at once instead of at the next error. Cluster:
 * ioredis's Cluster client follows the slots; it speaks the same commands (a
 * multi-key command must stay in one slot: pipeline/redis-keys.ts tags keys for that),
 * and BullMQ takes either, hence the one cast.
 */
function connect(target: string, opts: RedisOptions): Redis {
  const t = parseRedisTarget(target);
  if (t.kind === 'sentinel')
    return new Redis({ ...opts, sentinels: t.sentinels, name: t.name, failoverDetector: true });
  if (t.kind === 'cluster') {
    const { enableOfflineQueue, enableReadyCheck, ...redisOptions } = opts;
    return new Cluster(t.nodes, {
      redisOptions,
      enableOfflineQueue: enableOfflineQueue ?? true,
      enableReadyCheck: enableReadyCheck ?? true,
    }) as unknown as Redis;
  }
  return new Redis(t.url, opts);
}

/**
 * Connection for BullMQ workers and blocking consumers: retries forever
 * (`maxRetriesPerRequest: null`), so a Redis restart pauses work instead of failing it.
 */
export function workerConnection(target: string, extra: RedisOptions = {}): Redis {
  return connect(target, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

/**
 * Connection for request paths (API producers): fails fast while Redis is down,
 * so a request can answer 503 instead of hanging.
 */
export function producerConnection(target: string, extra: RedisOptions = {}): Redis {
  return connect(target, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, ...extra });
}

/** The configured Redis target (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES), or null when none is. */
export function configuredRedis(
  cfg: Pick<Config, 'redisUrl' | 'redisSentinels' | 'redisSentinelName' | 'redisClusterNodes'>,
): string | null {
  if (cfg.redisSentinels) return `sentinel:${cfg.redisSentinelName}@${cfg.redisSentinels}`;
  if (cfg.redisClusterNodes) return `cluster:${cfg.redisClusterNodes}`;
  return cfg.redisUrl ?? null;
}

/**
 * The Redis target to use: the configured one, or a private redis-server started
 * for the life of this process (`stop` must be called on shutdown).
 */
export async function resolveRedis(cfg: Config, log: Logger): Promise<{ url: string; embedded: EmbeddedRedis | null }> {
  const configured = configuredRedis(cfg);
  if (configured) return { url: configured, embedded: null };
  const embedded = await startEmbeddedRedis();
  log.info({ port: embedded.port }, 'REDIS_URL not set: started a private redis-server (no persistence)');
  return { url: embedded.url, embedded };
}

/** Deletes every key under `<prefix>:` (a test run's, or a finished replay's), without blocking Redis; on a Cluster, on every primary. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  const nodes = redis instanceof Cluster ? (redis as Cluster).nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      // One UNLINK per key: keys of different slots cannot go in one command on a Cluster.
      if (keys.length)
        await (redis instanceof Cluster ? Promise.all(keys.map((k) => node.unlink(k))) : node.unlink(...keys));
    } while (cursor !== '0');
  }
}
