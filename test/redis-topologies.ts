import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startEmbeddedRedis, type EmbeddedRedis } from '../runtime/embedded-redis.js';
import { until } from './until.js';

const run = promisify(execFile);

/** Pid of the redis-server answering at `url` (its shell guard is not it). */
async function serverPid(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    return Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  } finally {
    redis.disconnect();
  }
}

export interface SentinelGroup {
  /** The primary's name, as REDIS_SENTINEL_NAME. */
  name: string;
  /** `host:port,...` of the three sentinels, as REDIS_SENTINELS. */
  sentinels: string;
  primary: EmbeddedRedis;
  replica: EmbeddedRedis;
  /** Port of the primary the sentinels name now. */
  primaryPort(): Promise<number>;
  /** SIGKILL of the primary's redis-server: no goodbye, no last write. */
  killPrimary(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A primary, one replica and three sentinels (quorum 2) on loopback ports, with
 * redis-server in Sentinel mode (`--sentinel`: what Debian's redis-sentinel runs).
 * The primary is declared down after `downAfterMs` without an answer.
 */
export async function startSentinelGroup(opts: { name?: string; downAfterMs?: number } = {}): Promise<SentinelGroup> {
  const name = opts.name ?? 'watchpost';
  const primary = await startEmbeddedRedis();
  const replica = await startEmbeddedRedis({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
  const sentinels = await Promise.all(
    [0, 1, 2].map(() =>
      startEmbeddedRedis({
        args: ['--sentinel'],
        configLines: [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} ${opts.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
        ],
      }),
    ),
  );
  const ask = new Redis(sentinels[0]?.url ?? '');
  const primaryPort = async () =>
    Number(((await ask.call('SENTINEL', 'get-master-addr-by-name', name)) as string[])[1]);
  // Ready when the replica is in sync and every sentinel knows the others.
  const probe = new Redis(replica.url);
  await until(
    'the replica in sync and the sentinels knowing each other',
    async () => {
      const info = await probe.info('replication').catch(() => '');
      const known = await ask.call('SENTINEL', 'sentinels', name).catch(() => []);
      return /master_link_status:up/.test(info) && (known as unknown[]).length === 2;
    },
    20_000,
  );
  probe.disconnect();
  return {
    name,
    sentinels: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    primary,
    replica,
    primaryPort,
    async killPrimary() {
      const port = await primaryPort();
      const node = port === primary.port ? primary : replica;
      process.kill(await serverPid(node.url), 'SIGKILL');
    },
    async stop() {
      ask.disconnect();
      await Promise.all([...sentinels, primary, replica].map((r) => r.stop()));
    },
  };
}

export interface RedisClusterNodes {
  /** `host:port,...` of the primaries, as REDIS_CLUSTER_NODES. */
  nodes: string;
  stop(): Promise<void>;
}

/** A Redis Cluster of `primaries` nodes (no replicas) on loopback ports, made with `redis-cli --cluster create`. */
export async function startRedisCluster(primaries = 3): Promise<RedisClusterNodes> {
  const servers = await Promise.all(
    Array.from({ length: primaries }, () => startEmbeddedRedis({ args: ['--cluster-enabled', 'yes'] })),
  );
  const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
  await until(
    'the cluster to be ok on every node',
    async () => {
      const states = await Promise.all(
        servers.map(async (s) => {
          const c = new Redis(s.url);
          try {
            return (await c.call('CLUSTER', 'INFO')) as string;
          } finally {
            c.disconnect();
          }
        }),
      );
      return states.every((s) => s.includes('cluster_state:ok'));
    },
    20_000,
  );
  return { nodes: addresses.join(','), stop: () => Promise.all(servers.map((s) => s.stop())).then(() => undefined) };
}
