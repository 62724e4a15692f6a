import { type Job, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { verifyWebhook, WEBHOOK_HEADERS } from '../alerting/delivery/webhook-signature.js';
import type { MatchEvent } from '../pipeline/events.js';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { globalKeys } from '../pipeline/redis-keys.js';
import { type JobQueue, openQueue } from '../runtime/queues.js';
import { type ApiFixture, type Engine, startApiFixture } from './api-fixture.js';
import { caseInput, shiftNow } from './factories/api.factory.js';
import { startWebhookReceiver } from './webhook-receiver.js';

export const DESK_SECRET = 'whsec_control_room_desk_1';

/** A received webhook's signature checks out with `secret`. */
export const signed = (secret: string, hook: { headers: Record<string, string>; body: string }) =>
  verifyWebhook(
    secret,
    { timestamp: hook.headers[WEBHOOK_HEADERS.timestamp]!, signature: hook.headers[WEBHOOK_HEADERS.signature]! },
    hook.body,
  );

export interface AlertFlow {
  api: ApiFixture;
  redis: Redis;
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** Webhook secrets of the officer on duty and the supervisor. */
  officerSecret: string;
  supervisorSecret: string;
  perpetratorId: string;
  caseId: string;
  cameraId: string;
  /** Puts a match event on the alerts queue and waits for the worker's outcome. */
  push(ev: MatchEvent): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The scene the alert tests play in: an API hosting the alerts worker, a webhook receiver for the
 * control room's desk, a case with one perpetrator and camera 'front-door', an officer on duty now and
 * a supervisor whose shift starts 4 s later (after a first alert is created, before it escalates at 5 s).
 */
export async function startAlertFlow(name: string, engine: Engine): Promise<AlertFlow> {
  const receiver = await startWebhookReceiver();
  const api = await startApiFixture(`${name}-${engine}`, {
    engine,
    overrides: {
      'alerts.escalateAfterSeconds': 5,
      'alerts.cooldownSeconds': 300,
      // The test's receiver listens on plain http://127.0.0.1.
      'alerts.allowInsecureWebhooks': true,
      'alerts.controlRoom': [{ id: 'desk', name: 'Control room', url: `${receiver.url}/desk`, secret: DESK_SECRET }],
    },
    alertsWorker: { sweepMs: 500 },
  });
  const redis = new Redis(api.redisUrl);
  const alertsQueue: JobQueue<'alerts'> = openQueue(QUEUE.alerts, { cfg: api.cfg, connection: redis });
  const queueEvents = new QueueEvents(QUEUE.alerts, {
    connection: { url: api.redisUrl } as never,
    prefix: globalKeys(api.prefix).bull(QUEUE.alerts),
  });
  await queueEvents.waitUntilReady();
  const cameraId = 'front-door';
  const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Eve Example' }, key: api.keys.operator });
  const c = await api.call('POST', '/v1/cases', {
    json: caseInput({ perpetratorIds: [p.body.id] }),
    key: api.keys.operator,
  });
  const camera = {
    id: cameraId,
    name: 'Front door',
    url: 'rtsp://admin:s3cret@10.0.0.5:554/stream1',
    caseId: c.body.id,
  };
  expect((await api.call('POST', '/v1/cameras', { json: camera })).status).toBe(201);
  const officer = await api.call('POST', '/v1/officers', {
    json: { name: 'PC One', badge: `b1-${engine}`, district: 'north', webhookUrl: `${receiver.url}/officer` },
  });
  const supervisor = await api.call('POST', '/v1/officers', {
    json: {
      name: 'Sgt Two',
      badge: `b2-${engine}`,
      district: 'north',
      supervisor: true,
      webhookUrl: `${receiver.url}/supervisor`,
    },
  });
  // The supervisor's shift starts after a first alert is created (4 s leaves room on a loaded machine)
  // and before it escalates (5 s after it): only the escalation reaches them.
  expect(
    (await api.call('POST', '/v1/shifts', { json: shiftNow(officer.body.id), key: api.keys.operator })).status,
  ).toBe(201);
  const later = shiftNow(supervisor.body.id, { startsAt: Date.now() + 4000 });
  expect((await api.call('POST', '/v1/shifts', { json: later })).status).toBe(201);
  return {
    api,
    redis,
    receiver,
    officerSecret: officer.body.webhookSecret,
    supervisorSecret: supervisor.body.webhookSecret,
    perpetratorId: p.body.id,
    caseId: c.body.id,
    cameraId,
    async push(ev) {
      const job: Job = await alertsQueue.add(JOB.match, ev);
      return job.waitUntilFinished(queueEvents, 30_000);
    },
    async close() {
      await queueEvents.close();
      await alertsQueue.close();
      redis.disconnect();
      await receiver.close();
      await api.close();
    },
  };
}
