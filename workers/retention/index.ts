import { RetentionService } from '../../alerting/retention.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { PURGE_SCHEDULER_ID } from '../../pipeline/retention.js';
import { openQueue, registerHandlers, startConsumer } from '../../runtime/queues.js';
import { producerConnection, workerConnection } from '../../runtime/redis.js';
import { watchRedis } from '../../runtime/redis-health.js';
import { settleWithin } from '../../runtime/settle-within.js';
import { openDatabase } from '../../storage/database/database.js';
import { createRepositories } from '../../storage/repositories/index.js';
import type { RunningWorker, WorkerContext } from '../worker-context.js';

/**
 * `watchpost worker retention`: keeps the purge scheduled every `retention.purgeEverySeconds`
 * (a BullMQ job scheduler; the first run comes at once) and runs it. A role of its own, not a
 * job of the alerts worker: a purge deletes thousands of rows and files, and the alerts worker
 * (sometimes hosted by the API) must keep raising alerts within seconds meanwhile.
 */
export async function startRetentionWorker(ctx: WorkerContext): Promise<RunningWorker> {
  const { cfg, log } = ctx;
  const database = await openDatabase(cfg);
  const producer = watchRedis(producerConnection(ctx.redisUrl), log);
  const consumer = watchRedis(workerConnection(ctx.redisUrl), log);
  const repos = createRepositories(cfg, database.db, producer);
  const retention = new RetentionService({ cfg, repos, audit: new AuditService(repos.audit), log });
  const queue = openQueue(QUEUE.retention, { cfg, connection: producer, log });
  await queue.queue.upsertJobScheduler(
    PURGE_SCHEDULER_ID,
    { every: cfg.retention.purgeEverySeconds * 1000 },
    {
      name: JOB.purge,
      data: { reason: 'schedule' },
      opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
    },
  );
  const worker = await startConsumer(
    QUEUE.retention,
    registerHandlers(QUEUE.retention, { [JOB.purge]: (data) => retention.purge(data.reason) }),
    { cfg, connection: consumer, log },
    { concurrency: 1, log },
  );
  log.info({ db: database.location, everySeconds: cfg.retention.purgeEverySeconds }, 'retention worker started');
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        await settleWithin(worker.close(), 10_000);
        await queue.close();
        consumer.disconnect();
        producer.disconnect();
        await database.close();
      })();
      return closing;
    },
  };
}
