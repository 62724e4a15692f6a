import type { Redis } from 'ioredis';
import type { Config } from '../../pipeline/config/index.js';
import { type ClipJob, JOB, QUEUE } from '../../pipeline/queues.js';
import { openQueue } from '../../runtime/queues.js';
import type { AlertOutbox } from '../alert-ledger.js';
import { settleWithin } from '../../runtime/settle-within.js';

/**
 * The outbox on BullMQ: a delivery row becomes a webhook job whose id is the row id,
 * and an escalation check a delayed job per alert and level, so enqueueing the same
 * thing twice (retries, the sweep) never sends twice.
 */
/** BullMQ needs a number: at the backoff cap this is months of retries, and a resolved alert ends them. */
export const WEBHOOK_ATTEMPTS_UNBOUNDED = 1_000_000;

export class QueueOutbox implements AlertOutbox {
  readonly webhooks;
  readonly escalations;
  readonly clips;

  constructor(
    private readonly cfg: Pick<Config, 'redisPrefix' | 'alerts'>,
    connection: Redis,
  ) {
    this.webhooks = openQueue(QUEUE.webhooks, { cfg, connection });
    this.escalations = openQueue(QUEUE.escalations, { cfg, connection });
    this.clips = openQueue(QUEUE.evidence, { cfg, connection });
    // Connection errors surface as failed adds (the rows stay pending for the sweep), not as noise.
    for (const q of [this.webhooks.queue, this.escalations.queue, this.clips.queue]) q.on('error', () => {});
  }

  async enqueueDeliveries(ids: string[]): Promise<void> {
    for (const deliveryId of ids) {
      await this.webhooks.add(
        JOB.webhook,
        { deliveryId },
        {
          jobId: deliveryId,
          // Until the receiver has it (2xx) or the alert is resolved; the consumer caps the backoff.
          attempts: WEBHOOK_ATTEMPTS_UNBOUNDED,
          backoff: { type: 'custom' },
          removeOnFail: { count: 5000 },
        },
      );
    }
  }

  async scheduleEscalation(alertId: string, level: number, delayMs: number): Promise<void> {
    await this.escalations.add(JOB.escalate, { alertId, level }, { jobId: `${alertId}-L${level}`, delay: delayMs });
  }

  async scheduleReview(alertId: string, delayMs: number): Promise<void> {
    await this.escalations.add(JOB.reviewDue, { alertId }, { jobId: `${alertId}-review`, delay: delayMs });
  }

  async requestClip(job: ClipJob): Promise<void> {
    await this.clips.add(JOB.clip, job, { jobId: `clip-${job.alertId}-${job.cameraId}` });
  }

  async close(): Promise<void> {
    await settleWithin(Promise.all([this.webhooks.close(), this.escalations.close(), this.clips.close()]), 3000);
  }
}
