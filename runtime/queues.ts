import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../pipeline/config/index.js';
import {
  detectQueueName,
  partitionOf,
  QUEUE,
  QUEUE_JOBS,
  QUEUE_RECOVERY,
  type QueueRecovery,
  type JobData,
  type JobName,
  type QueueKind,
} from '../pipeline/queues.js';
import { globalKeys } from '../pipeline/redis-keys.js';
import type { Logger } from './logger.js';
import { observeJob } from './metrics.js';
import { queueErrorListener } from './redis-health.js';

/**
 * Default options of every job (BullMQ's `defaultJobOptions`):
 * - attempts 5, exponential backoff from 1 s: transient failures (a Redis blip, a busy model) retry;
 * - removeOnComplete: the last 1000 or one hour, so Redis memory stays bounded;
 * - removeOnFail: false: failed jobs are kept for a person to inspect.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = Object.freeze({
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: false,
});

/** Job data that does not match its schema (producer side; the consumer turns it into UnrecoverableError). */
export class InvalidJobDataError extends Error {
  override name = 'InvalidJobDataError';
}

/** Handlers do not cover a queue's jobs exactly once: the worker refuses to start. */
export class HandlerRegistryError extends Error {
  override name = 'HandlerRegistryError';
}

/** BullMQ queue name of a queue kind (detect needs the partition). */
export function queueName(kind: QueueKind, partition?: number): string {
  if (kind !== QUEUE.detect) return kind;
  if (partition === undefined) throw new Error('the detect queue needs a partition number');
  return detectQueueName(partition);
}

function validate<K extends QueueKind>(
  kind: K,
  name: string,
  data: unknown,
): { ok: true; data: unknown } | { ok: false; message: string } {
  const schema = (
    QUEUE_JOBS[kind] as Record<
      string,
      {
        safeParse(d: unknown): {
          success: boolean;
          data?: unknown;
          error?: { issues: { path: PropertyKey[]; message: string }[] };
        };
      }
    >
  )[name];
  if (!schema) return { ok: false, message: `queue ${kind} has no job named '${name}'` };
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, data: r.data };
  const issues = r.error!.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, message: `invalid ${kind}/${name} job data: ${issues}` };
}

/** A producer for one queue: `add` validates the data against the registry before it reaches Redis. */
export class JobQueue<K extends QueueKind> {
  constructor(
    readonly kind: K,
    /** The BullMQ queue, for counts, removal and events. */
    readonly queue: Queue,
  ) {}

  async add<N extends JobName<K>>(name: N, data: JobData<K, N>, opts?: JobsOptions): Promise<Job> {
    const v = validate(this.kind, name, data);
    if (!v.ok) throw new InvalidJobDataError(v.message);
    return this.queue.add(name, v.data, opts);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export interface QueueDeps {
  cfg: Pick<Config, 'redisPrefix'>;
  /** ioredis connection: workerConnection() in workers, producerConnection() on request paths. */
  connection: Redis;
  /** Where connection errors go (redis-health.ts: one line per outage); without it they are ignored. */
  log?: Logger;
}

/** Opens the producer of one queue (detect: one partition). */
export function openQueue<K extends QueueKind>(kind: K, deps: QueueDeps, partition?: number): JobQueue<K> {
  const name = queueName(kind, partition);
  const queue = new Queue(name, {
    connection: deps.connection,
    prefix: globalKeys(deps.cfg.redisPrefix).bull(name),
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  // Without a listener BullMQ's re-emitted connection errors would be thrown as unhandled.
  queue.on('error', deps.log ? queueErrorListener(deps.connection, deps.log, queue.name) : () => {});
  return new JobQueue(kind, queue);
}

/** Producers of every detect partition; `forCamera` picks the camera's partition (frames of a camera stay in order). */
export function openDetectQueues(deps: QueueDeps & { cfg: Pick<Config, 'redisPrefix' | 'detect'> }) {
  const partitions = Array.from({ length: deps.cfg.detect.partitions }, (_, p) => openQueue(QUEUE.detect, deps, p));
  return {
    partitions,
    forCamera: (cameraId: string) => partitions[partitionOf(cameraId, partitions.length)]!,
    close: () => Promise.all(partitions.map((q) => q.close())).then(() => undefined),
  };
}
export type DetectQueues = ReturnType<typeof openDetectQueues>;

export type JobHandler<K extends QueueKind, N extends JobName<K>> = (data: JobData<K, N>, job: Job) => Promise<unknown>;
/** Handlers for some or all jobs of a queue, keyed by job name. */
export type HandlerGroup<K extends QueueKind> = { [N in JobName<K>]?: JobHandler<K, N> };

/**
 * Binds handlers to a queue's jobs (Immich's job registry): every job of the queue
 * must have exactly one handler across the groups, and no handler may name a job the
 * queue does not carry; otherwise HandlerRegistryError, before any job is taken.
 * The returned processor validates data (invalid -> UnrecoverableError: no retry storm)
 * and lets handler errors through, so BullMQ retries them.
 */
export function registerHandlers<K extends QueueKind>(
  kind: K,
  ...groups: HandlerGroup<K>[]
): (job: Job) => Promise<unknown> {
  const expected = Object.keys(QUEUE_JOBS[kind]);
  const bound = new Map<string, (data: unknown, job: Job) => Promise<unknown>>();
  const problems: string[] = [];
  for (const group of groups) {
    for (const [name, handler] of Object.entries(group)) {
      if (!handler) continue;
      if (!expected.includes(name)) problems.push(`'${name}' is not a job of queue ${kind}`);
      else if (bound.has(name)) problems.push(`job '${name}' has two handlers`);
      else bound.set(name, handler as (data: unknown, job: Job) => Promise<unknown>);
    }
  }
  for (const name of expected) if (!bound.has(name)) problems.push(`job '${name}' has no handler`);
  if (problems.length) throw new HandlerRegistryError(`queue ${kind}: ${problems.join('; ')}`);

  return async (job: Job) => {
    const v = validate(kind, job.name, job.data);
    if (!v.ok) throw new UnrecoverableError(`${v.message} (job ${job.id})`);
    return bound.get(job.name)!(v.data, job);
  };
}

export interface ConsumerOptions {
  /** Jobs processed at once by this worker; detect partitions are always 1. */
  concurrency?: number;
  /** Overrides the queue's crash recovery (QUEUE_RECOVERY in pipeline/queues.ts), e.g. detect.lockSeconds. */
  recovery?: Partial<QueueRecovery>;
  /** Where connection errors go (BullMQ would otherwise throw them as unhandled 'error' events). */
  log?: Logger;
  /** Delay before retry `attemptsMade` of a job whose backoff type is 'custom' (e.g. a capped exponential). */
  backoffMs?: (attemptsMade: number) => number;
}

/**
 * Starts a BullMQ worker on one queue (detect: one partition) with the processor from
 * registerHandlers. Detect partitions get concurrency 1 and a global concurrency of 1,
 * so frames of a camera are processed in order even with several detect workers running.
 * Processing time per job is recorded in the `watchpost_job_duration_seconds` histogram.
 */
export async function startConsumer<K extends QueueKind>(
  kind: K,
  processor: (job: Job) => Promise<unknown>,
  deps: QueueDeps,
  opts: ConsumerOptions & { partition?: number } = {},
): Promise<Worker> {
  const name = queueName(kind, opts.partition);
  const prefix = globalKeys(deps.cfg.redisPrefix).bull(name);
  const ordered = kind === QUEUE.detect;
  const log = opts.log ?? deps.log;
  const onError = log ? queueErrorListener(deps.connection, log, name) : () => {};
  let orderedQueue: Queue | null = null;
  const applyOrder = () =>
    orderedQueue
      ?.setGlobalConcurrency(1)
      .catch((err: unknown) =>
        log?.warn({ error: (err as Error).message, queue: name }, 'could not set global concurrency'),
      );
  if (ordered) {
    orderedQueue = new Queue(name, { connection: deps.connection, prefix });
    orderedQueue.on('error', onError);
    await orderedQueue.setGlobalConcurrency(1);
    // A Redis restarted without persistence has forgotten it: set it again on every reconnect.
    deps.connection.on('ready', applyOrder);
  }
  const recovery = { ...QUEUE_RECOVERY[kind], ...opts.recovery };
  const worker = new Worker(
    name,
    async (job: Job) => {
      const started = performance.now();
      let ok = false;
      try {
        const result = await processor(job);
        ok = true;
        return result;
      } finally {
        observeJob(kind, job.name, (performance.now() - started) / 1000, ok);
      }
    },
    {
      connection: deps.connection,
      prefix,
      concurrency: ordered ? 1 : (opts.concurrency ?? 1),
      lockDuration: recovery.lockMs,
      stalledInterval: recovery.stalledIntervalMs,
      maxStalledCount: recovery.maxStalledCount,
      ...(opts.backoffMs ? { settings: { backoffStrategy: opts.backoffMs } } : {}),
    },
  );
  worker.on('error', onError);
  worker.on('closed', () => {
    deps.connection.off('ready', applyOrder);
    void orderedQueue?.close();
  });
  return worker;
}
