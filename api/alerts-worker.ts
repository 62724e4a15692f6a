import type { Job } from 'bullmq';
import type { Config } from '../pipeline/config/index.js';
import { JOB, QUEUE } from '../pipeline/queues.js';
import type { Logger } from '../runtime/logger.js';
import { registerHandlers, startConsumer } from '../runtime/queues.js';
import { producerConnection, workerConnection } from '../runtime/redis.js';
import { watchRedis } from '../runtime/redis-health.js';
import type { Shutdown } from '../runtime/shutdown.js';
import { createCore, type Core } from './core.js';
import { openDatabase, type OpenDatabase } from './database/database.js';
import { QueueOutbox } from './delivery/alert-outbox.js';
import { settleWithin } from './delivery/settle-within.js';
import { WebhookSender } from './delivery/webhook-sender.js';
import type { EventOutcome } from './services/alert.service.js';
import { CameraWatchdog } from './services/camera-watchdog.js';

export interface AlertsWorkerContext {
  cfg: Config;
  log: Logger;
  redisUrl: string;
  shutdown: Shutdown;
}

export interface AlertsWorkerOptions {
  /** Share an open database (inside `watchpost api`); otherwise the worker opens its own. */
  database?: OpenDatabase;
  /** Called after each journal commit (the in-process SSE hub); Redis pub/sub is always used too. */
  onJournal?: (seq: number) => void;
  /** How often committed-but-unqueued deliveries and escalations are re-enqueued. */
  sweepMs?: number;
  webhookConcurrency?: number;
  /** How often the camera watchdog looks for cameras without frames (default 1 s). */
  cameraWatchdogMs?: number;
  /** Called with each processed event's outcome (tests, demo). */
  onOutcome?: (outcome: EventOutcome) => void;
}

/**
 * Consumes the `alerts` queue (match and camera events -> alerts in the database),
 * sends webhooks and runs escalations. Each event commits before its job
 * completes; handlers are idempotent on the event id, so a retry or a restart with
 * jobs waiting neither loses nor duplicates an alert.
 */
export async function startAlertsWorker(
  ctx: AlertsWorkerContext,
  opts: AlertsWorkerOptions = {},
): Promise<{ close(): Promise<void>; core: Core }> {
  const { cfg, log } = ctx;
  const database = opts.database ?? (await openDatabase(cfg));
  const ownsDatabase = !opts.database;
  const producer = watchRedis(producerConnection(ctx.redisUrl), log);
  const consumer = watchRedis(workerConnection(ctx.redisUrl), log);
  const outbox = new QueueOutbox(cfg, producer);
  const core = createCore({
    cfg,
    log,
    db: database.db,
    redis: producer,
    outbox,
    journalGrew: (seq) => {
      opts.onJournal?.(seq);
      if (seq > 0) core.repos.pipeline.notifyAlerts(seq).catch(() => {});
    },
  });
  const { alerts } = core.services;
  const report = (o: EventOutcome) => {
    opts.onOutcome?.(o);
    log.info(o, `alert event ${o.outcome}`);
    return o;
  };
  const sender = new WebhookSender(core.repos.alerts, core.repos.officers, core.repos.cases, log);
  const deps = { cfg, connection: consumer, log };
  const workers = [
    await startConsumer(
      QUEUE.alerts,
      registerHandlers(QUEUE.alerts, {
        [JOB.match]: async (ev) => report(await alerts.handleMatch(ev)),
        [JOB.cameraOffline]: async (ev) => report(await alerts.handleCamera(ev)),
        [JOB.cameraOnline]: async (ev) => report(await alerts.handleCamera(ev)),
      }),
      deps,
      // One at a time: dedup decides between "update the open alert" and "open a new one".
      { concurrency: 1, log },
    ),
    await startConsumer(
      QUEUE.webhooks,
      registerHandlers(QUEUE.webhooks, {
        [JOB.webhook]: (data, job: Job) =>
          sender.deliver(data.deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
      }),
      deps,
      { concurrency: opts.webhookConcurrency ?? 8, log },
    ),
    await startConsumer(
      QUEUE.escalations,
      registerHandlers(QUEUE.escalations, { [JOB.escalate]: (data) => alerts.escalate(data.alertId, data.level) }),
      deps,
      { concurrency: 2, log },
    ),
  ];

  // The outbox sweep: rows committed while Redis was unreachable get their jobs now.
  const sweep = async () => {
    try {
      const pending = await core.repos.alerts.pendingDeliveries(500);
      if (pending.length) await outbox.enqueueDeliveries(pending.map((d) => d.id));
      for (const a of await alerts.openUnescalated()) {
        if (a.escalationLevel === 0) await outbox.scheduleEscalation(a.id, 1, 0);
      }
    } catch (err) {
      log.debug({ err: (err as Error).message }, 'outbox sweep skipped');
    }
  };
  const timer = setInterval(() => void sweep(), opts.sweepMs ?? 15_000);
  timer.unref();
  // Blind cameras are judged here, outside ingest, and handled in-process: the queue may be what failed.
  const watchdog = new CameraWatchdog({
    cameras: core.repos.cameras,
    pipeline: core.repos.pipeline,
    raise: async (ev) => report(await alerts.handleCamera(ev)),
    offlineMs: cfg.ingest.offlineSeconds * 1000,
    staleStatusMs: core.staleStatusMs,
    log,
  });
  watchdog.start(opts.cameraWatchdogMs ?? 1000);
  log.info({ db: database.location }, 'alerts worker started');

  let closing: Promise<void> | null = null;
  return {
    core,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await watchdog.stop();
        // Lets the jobs in hand finish; while Redis is down, gives up after a while (their locks expire and they return).
        await settleWithin(Promise.all(workers.map((w) => w.close())), 10_000);
        await outbox.close();
        consumer.disconnect();
        producer.disconnect();
        if (ownsDatabase) await database.close();
      })();
      return closing;
    },
  };
}
