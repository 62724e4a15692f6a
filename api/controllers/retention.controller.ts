import { randomBytes } from 'node:crypto';
import { bystanderSeconds } from '../../pipeline/config/index.js';
import type { Redis } from 'ioredis';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { PURGE_SCHEDULER_ID, retentionPolicy } from '../../pipeline/retention.js';
import { type JobQueue, openQueue } from '../../runtime/queues.js';
import { settleWithin } from '../../runtime/settle-within.js';
import type { Core } from '../core.js';
import { retentionRunQueuedSchema, retentionStatusSchema } from '../dto/retention.dto.js';
import { defineRoute, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';

const tag = 'admin';

/** The routes, on a producer of the retention queue of their own (manual runs, the schedule's next run). */
export function retentionApi(core: Core, producer: Redis) {
  const queue = openQueue(QUEUE.retention, { cfg: core.cfg, connection: producer });
  queue.queue.on('error', () => {});
  return { routes: retentionRoutes(core, queue), close: () => settleWithin(queue.close(), 3000) };
}

/** The retention policy and the purge's state; the purge itself runs in `watchpost worker retention`. */
function retentionRoutes({ cfg, alerting, services }: Core, queue: JobQueue<'retention'>): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/retention',
      roles: CAN.admin,
      tag,
      summary: 'The retention policy, the last purge run (when, what it deleted, any error) and the next',
      responses: { 200: { description: 'policy and purge state', schema: retentionStatusSchema } },
      handler: async () => {
        // The next run is the job scheduler's; Redis away, it is unknown rather than an error.
        const scheduler = await queue.queue.getJobScheduler(PURGE_SCHEDULER_ID).catch(() => undefined);
        return {
          policy: retentionPolicy(cfg.retention, bystanderSeconds(cfg), cfg.ingest.frameTtlSeconds),
          everySeconds: cfg.retention.purgeEverySeconds,
          lastRun: await alerting.retention.lastRun(),
          nextRunAt: scheduler?.next ?? null,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/retention/run',
      roles: CAN.admin,
      tag,
      summary: 'Queue a purge run now (a retention worker runs it; GET /v1/retention shows the result)',
      status: 202,
      needsRedis: true,
      responses: { 202: { description: 'queued', schema: retentionRunQueuedSchema } },
      handler: async ({ audit }) => {
        const job = await queue.add(
          JOB.purge,
          { reason: 'manual' },
          { jobId: `manual-${randomBytes(6).toString('hex')}` },
        );
        await services.audit.record(audit, 'retention.run', { type: 'retention', id: job.id ?? null });
        return { jobId: job.id! };
      },
    }),
  ];
}
