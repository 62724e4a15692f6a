import type { Redis } from 'ioredis';
import type { Config } from '../../pipeline/config/index.js';
import type { MatchEvent } from '../../pipeline/events.js';
import type { RedisKeys } from '../../pipeline/redis-keys.js';
import type { openDetectQueues } from '../../runtime/queues.js';
import { counterValue, type WorkerProcess } from '../../test/e2e/worker-process.js';
import { round, TICK_HZ, treeTicks } from './measure.js';

/** The running pipeline a bench phase measures: its worker processes, Redis and the match events seen. */
export interface BenchContext {
  cfg: Config;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  keys: RedisKeys;
  dir: string;
  procs: { detect: WorkerProcess[]; identify: WorkerProcess[]; ingest: WorkerProcess[] };
  detectQueues: ReturnType<typeof openDetectQueues>;
  matches: { event: MatchEvent; receivedAt: number }[];
}

/** CPU ticks of each stage's process trees. */
export const stageTicks = (ctx: BenchContext) =>
  Object.fromEntries(
    Object.entries(ctx.procs).map(([stage, ps]) => [stage, ps.reduce((s, p) => s + treeTicks(p.pid), 0)]),
  ) as Record<keyof BenchContext['procs'], number>;

export async function redisTicks(ctx: BenchContext): Promise<number> {
  const info = await ctx.redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (get('used_cpu_sys') + get('used_cpu_user')) * TICK_HZ;
}

/** A counter summed over some worker processes' /metrics. */
export async function metricSum(ps: WorkerProcess[], name: string, labels: Record<string, string> = {}) {
  let n = 0;
  for (const p of ps) n += counterValue(await p.metrics(), name, labels);
  return n;
}

export async function detectWaiting(ctx: BenchContext): Promise<number> {
  let n = 0;
  for (const q of ctx.detectQueues.partitions) n += (await q.queue.getJobCounts('waiting')).waiting ?? 0;
  return n;
}

/** What Redis holds, by kind of key (MEMORY USAGE): what stays bounded, and by what. */
export async function memoryByKind(ctx: BenchContext) {
  const { redis, prefix, cfg } = ctx;
  const kinds: Record<string, { keys: number; mb: number }> = {};
  const kindOf = (key: string, ttl: number) => {
    const rest = key.slice(prefix.length + 1);
    if (rest.startsWith('frame:')) return ttl > cfg.ingest.frameTtlSeconds ? 'evidenceFrames' : 'frames';
    if (rest.startsWith('face:')) return 'faceCrops';
    if (rest.startsWith('bull:')) return 'queues';
    if (rest.startsWith('track:')) return 'trackVotesAndMatches';
    if (rest.startsWith('tracks:')) return 'trackLogs';
    return 'other';
  };
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    const info = await redis
      .pipeline(
        batch.flatMap((k) => [
          ['memory', 'usage', k],
          ['ttl', k],
        ]),
      )
      .exec();
    batch.forEach((key, i) => {
      const kind = kindOf(key, Number(info?.[2 * i + 1]?.[1] ?? -1));
      kinds[kind] ??= { keys: 0, mb: 0 };
      kinds[kind].keys++;
      kinds[kind].mb += Number(info?.[2 * i]?.[1] ?? 0) / 1024 / 1024;
    });
  } while (cursor !== '0');
  for (const k of Object.values(kinds)) k.mb = round(k.mb, 2);
  return kinds;
}
