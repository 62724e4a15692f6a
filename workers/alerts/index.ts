import type { EventOutcome } from '../../alerting/alert-ledger.js';
import { type Alerting, createAlerting, type SharedAlerting } from '../../alerting/alerting.js';
import { QueueOutbox } from '../../alerting/delivery/alert-outbox.js';
import { WebhookSender } from '../../alerting/delivery/webhook-sender.js';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AuditService } from '../../audit/audit.service.js';
import type { CameraEvent, MatchEvent } from '../../pipeline/events.js';
import { staleStatusMs } from '../../pipeline/ingest-silence.js';
import { backoffDelay } from '../../pipeline/backoff.js';
import { type ClipReady, JOB, QUEUE } from '../../pipeline/queues.js';
import type { Logger } from '../../runtime/logger.js';
import { registerHandlers, startConsumer } from '../../runtime/queues.js';
import { producerConnection, workerConnection } from '../../runtime/redis.js';
import { watchRedis } from '../../runtime/redis-health.js';
import { settleWithin } from '../../runtime/settle-within.js';
import { openDatabase } from '../../storage/database/database.js';
import { createRepositories, type Repositories } from '../../storage/repositories/index.js';
import type { RunningWorker, WorkerContext } from '../worker-context.js';
import { CameraWatchdog } from './camera-watchdog.js';

export interface AlertsWorkerOptions {
  /** The host process's database and alert services (`watchpost api`); otherwise the worker builds its own. */
  shared?: SharedAlerting;
  /** How often committed-but-unqueued deliveries and escalations are re-enqueued. */
  sweepMs?: number;
  webhookConcurrency?: number;
  /** How often the camera watchdog looks for cameras without frames (default 1 s). */
  cameraWatchdogMs?: number;
  /** Called with each processed event's outcome (tests, demo). */
  onOutcome?: (outcome: EventOutcome) => void;
}

/** Its own database, repositories and alert services, for a worker running as its own process. */
async function ownAlerting(ctx: WorkerContext): Promise<SharedAlerting & { close(): Promise<void> }> {
  const { cfg, log } = ctx;
  const database = await openDatabase(cfg);
  const producer = watchRedis(producerConnection(ctx.redisUrl), log);
  const outbox = new QueueOutbox(cfg, producer);
  const repos = createRepositories(cfg, database.db, producer);
  const audit = new AuditService(repos.audit);
  const journalGrew = (seq: number) => void repos.pipeline.notifyAlerts(seq).catch(() => {});
  const alerting = createAlerting({ cfg, log, repos, audit, outbox, journalGrew });
  return {
    database,
    repos,
    alerting,
    async close() {
      await outbox.close();
      producer.disconnect();
      await database.close();
    },
  };
}

/** A webhook sender whose alarm (a delivery failing too long) is audited and escalates the alert at once. */
function alarmingSender(ctx: WorkerContext, repos: Repositories, alerting: Alerting): WebhookSender {
  const { cfg, log } = ctx;
  const audit = new AuditService(repos.audit);
  return new WebhookSender(cfg, repos.alerts, repos.officers, repos.cases, log, {
    alarmMs: cfg.alerts.deliveryAlarmSeconds * 1000,
    // Nobody has the alert: the supervisor gets it now, and the audit says why.
    onAlarm: async (d, failingForMs) => {
      await audit.record(
        'system',
        'webhook.alarm',
        { type: 'alert', id: d.alertId },
        { deliveryId: d.id, officerId: d.officerId, failingForMs, lastError: d.lastError },
      );
      await alerting.escalation.escalate(d.alertId, 1);
    },
  });
}

/** The alert events' handlers, each outcome reported; a match or a tampering alert also asks for its clip. */
function eventHandlers({ intake, clips }: Alerting, report: (o: EventOutcome) => EventOutcome, log: Logger) {
  // A tampering alert gets the camera's last buffered seconds; a retried event asks again (a no-op).
  // From the watchdog (`bestEffort`), the queue may be what failed: the alert stands without its clip.
  const cameraOffline = async (ev: CameraEvent, bestEffort: boolean) => {
    const outcome = report(await intake.handleCamera(ev));
    if (outcome.outcome === 'created' || outcome.outcome === 'duplicate')
      await clips.forCameraOffline(outcome.alertId, ev).catch((err: unknown) => {
        if (!bestEffort) throw err;
        log.warn({ camera: ev.cameraId, error: (err as Error).message }, 'camera.offline clip not requested');
      });
    return outcome;
  };
  return {
    // A retried job (duplicate) asks again: the clip job's id makes that a no-op.
    match: async (ev: MatchEvent) => {
      const outcome = report(await intake.handleMatch(ev));
      if (outcome.outcome === 'created' || outcome.outcome === 'duplicate') await clips.forMatch(outcome.alertId, ev);
      return outcome;
    },
    cameraOffline: (ev: CameraEvent) => cameraOffline(ev, false),
    watchdogOffline: (ev: CameraEvent) => cameraOffline(ev, true),
    cameraOnline: async (ev: CameraEvent) => report(await intake.handleCamera(ev)),
    clipReady: async (ready: ClipReady) => report(await clips.attach(ready)),
  };
}

/** The three consumers: alert events one at a time, webhooks with a capped backoff, escalations and review deadlines. */
async function startConsumers(
  { cfg, log }: WorkerContext,
  connection: Redis,
  handlers: ReturnType<typeof eventHandlers>,
  sender: WebhookSender,
  { escalation, review }: Alerting,
  webhookConcurrency: number,
): Promise<Worker[]> {
  const deps = { cfg, connection, log };
  return [
    await startConsumer(
      QUEUE.alerts,
      registerHandlers(QUEUE.alerts, {
        [JOB.match]: handlers.match,
        [JOB.clipReady]: handlers.clipReady,
        [JOB.cameraOffline]: handlers.cameraOffline,
        [JOB.cameraOnline]: handlers.cameraOnline,
      }),
      deps,
      // One at a time: dedup decides between "update the open alert" and "open a new one".
      { concurrency: 1, log },
    ),
    await startConsumer(
      QUEUE.webhooks,
      registerHandlers(QUEUE.webhooks, {
        [JOB.webhook]: (data) => sender.deliver(data.deliveryId),
      }),
      deps,
      {
        concurrency: webhookConcurrency,
        log,
        backoffMs: (attempts) =>
          backoffDelay(attempts - 1, { initialMs: 500, maxMs: cfg.alerts.webhookMaxBackoffSeconds * 1000 }),
      },
    ),
    await startConsumer(
      QUEUE.escalations,
      registerHandlers(QUEUE.escalations, {
        [JOB.escalate]: (data) => escalation.escalate(data.alertId, data.level),
        [JOB.reviewDue]: (data) => review.reviewDue(data.alertId),
      }),
      deps,
      { concurrency: 2, log },
    ),
  ];
}

/** The outbox sweep: rows committed while Redis was unreachable get their jobs now. */
function outboxSweep(repos: Repositories, outbox: QueueOutbox, { escalation, review }: Alerting, log: Logger) {
  return async () => {
    try {
      const pending = await repos.alerts.pendingDeliveries(500);
      if (pending.length) await outbox.enqueueDeliveries(pending.map((d) => d.id));
      for (const a of await escalation.openUnescalated()) {
        if (a.escalationLevel === 0) await outbox.scheduleEscalation(a.id, 1, 0);
      }
      for (const a of await review.overdue()) await outbox.scheduleReview(a.id, 0);
    } catch (err) {
      log.debug({ err: (err as Error).message }, 'outbox sweep skipped');
    }
  };
}

/**
 * Consumes the `alerts` queue (match and camera events -> alerts in the database),
 * sends webhooks and runs escalations. Each event commits before its job
 * completes; handlers are idempotent on the event id, so a retry or a restart with
 * jobs waiting neither loses nor duplicates an alert.
 */
export async function startAlertsWorker(ctx: WorkerContext, opts: AlertsWorkerOptions = {}): Promise<RunningWorker> {
  const { cfg, log } = ctx;
  const own = opts.shared ? null : await ownAlerting(ctx);
  const { database, repos, alerting } = (opts.shared ?? own)!;
  const producer = watchRedis(producerConnection(ctx.redisUrl), log);
  const consumer = watchRedis(workerConnection(ctx.redisUrl), log);
  const outbox = new QueueOutbox(cfg, producer);
  const report = (o: EventOutcome) => {
    opts.shared?.onOutcome?.(o);
    opts.onOutcome?.(o);
    log.info(o, `alert event ${o.outcome}`);
    return o;
  };
  const sender = alarmingSender(ctx, repos, alerting);
  const handlers = eventHandlers(alerting, report, log);
  const workers = await startConsumers(ctx, consumer, handlers, sender, alerting, opts.webhookConcurrency ?? 8);
  const timer = setInterval(outboxSweep(repos, outbox, alerting, log), opts.sweepMs ?? 15_000);
  timer.unref();
  // Blind cameras are judged here, outside ingest, and handled in-process: the queue may be what failed.
  const watchdog = new CameraWatchdog({
    cameras: repos.cameras,
    pipeline: repos.pipeline,
    raise: (ev) => (ev.type === 'camera.offline' ? handlers.watchdogOffline(ev) : handlers.cameraOnline(ev)),
    offlineMs: cfg.ingest.offlineSeconds * 1000,
    staleStatusMs: staleStatusMs(cfg),
    log,
  });
  watchdog.start(opts.cameraWatchdogMs ?? 1000);
  log.info({ db: database.location, shared: Boolean(opts.shared) }, 'alerts worker started');

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        sender.close();
        await watchdog.stop();
        // Lets the jobs in hand finish; while Redis is down, gives up after a while (their locks expire and they return).
        await settleWithin(Promise.all(workers.map((w) => w.close())), 10_000);
        await outbox.close();
        consumer.disconnect();
        producer.disconnect();
        await own?.close();
      })();
      return closing;
    },
  };
}

/** For `createApiServer({ alertsWorker })`: this worker, hosted by the API process on its database and services. */
export const hostedAlertsWorker =
  (ctx: WorkerContext, opts: Omit<AlertsWorkerOptions, 'shared'> = {}) =>
  (shared: SharedAlerting) =>
    startAlertsWorker(ctx, { ...opts, shared });
