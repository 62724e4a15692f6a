import { createHash } from 'node:crypto';
import { QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { globalKeys, redisKeys } from '../pipeline/redis-keys.js';
import { openQueue, type JobQueue } from '../runtime/queues.js';
import { verifyWebhook, WEBHOOK_HEADERS } from '../alerting/delivery/webhook-signature.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, frameJpeg, matchEvent, shiftNow } from '../test/factories/api.factory.js';
import { createTestPostgres, type TestPostgres } from '../test/postgres.js';
import { openSse, type SseEvent } from '../test/sse-client.js';
import { startWebhookReceiver } from '../test/webhook-receiver.js';

const pg = await createTestPostgres();
const pgMissing = 'unavailable' in pg ? pg.unavailable : null;
if (pgMissing) console.warn(pgMissing);
else await (pg as TestPostgres).drop();

describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('alert flow on %s', (engine, skipReason) => {
  let api: ApiFixture;
  let redis: Redis;
  let alertsQueue: JobQueue<'alerts'>;
  let queueEvents: QueueEvents;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let officerSecret: string;
  const deskSecret = 'whsec_control_room_desk_1';
  let supervisorSecret: string;
  let perpetratorId: string;
  let caseId: string;
  let sse: ReturnType<typeof openSse>;
  const cameraId = 'front-door';
  const frameKey = () => redisKeys(api.prefix, api.cfg.detect.partitions).frame(cameraId, 10);
  const cropKey = () => redisKeys(api.prefix, api.cfg.detect.partitions).faceCrop(cameraId, 10, 0);
  let frame: Buffer;

  const push = async (ev: ReturnType<typeof matchEvent>): Promise<unknown> => {
    const job: Job = await alertsQueue.add(JOB.match, ev);
    return job.waitUntilFinished(queueEvents, 30_000);
  };

  beforeAll(async () => {
    if (skipReason) return;
    receiver = await startWebhookReceiver();
    api = await startApiFixture(`flow-${engine}`, {
      engine,
      overrides: {
        'alerts.escalateAfterSeconds': 5,
        'alerts.cooldownSeconds': 300,
        // The test's receiver listens on plain http://127.0.0.1.
        'alerts.allowInsecureWebhooks': true,
        'alerts.controlRoom': [{ id: 'desk', name: 'Control room', url: `${receiver.url}/desk`, secret: deskSecret }],
      },
      alertsWorker: { sweepMs: 500 },
    });
    redis = new Redis(api.redisUrl);
    alertsQueue = openQueue(QUEUE.alerts, { cfg: api.cfg, connection: redis });
    queueEvents = new QueueEvents(QUEUE.alerts, {
      connection: { url: api.redisUrl } as never,
      prefix: globalKeys(api.prefix).bull(QUEUE.alerts),
    });
    await queueEvents.waitUntilReady();
    frame = await frameJpeg();
    const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Eve Example' }, key: api.keys.operator });
    perpetratorId = p.body.id;
    const c = await api.call('POST', '/v1/cases', {
      json: caseInput({ perpetratorIds: [perpetratorId] }),
      key: api.keys.operator,
    });
    caseId = c.body.id;
    expect(
      (
        await api.call('POST', '/v1/cameras', {
          json: { id: cameraId, name: 'Front door', url: 'rtsp://admin:s3cret@10.0.0.5:554/stream1', caseId },
        })
      ).status,
    ).toBe(201);
    const officer = await api.call('POST', '/v1/officers', {
      json: { name: 'PC One', badge: `b1-${engine}`, district: 'north', webhookUrl: `${receiver.url}/officer` },
    });
    officerSecret = officer.body.webhookSecret;
    const supervisor = await api.call('POST', '/v1/officers', {
      json: {
        name: 'Sgt Two',
        badge: `b2-${engine}`,
        district: 'north',
        supervisor: true,
        webhookUrl: `${receiver.url}/supervisor`,
      },
    });
    supervisorSecret = supervisor.body.webhookSecret;
    // The supervisor's shift starts after the alert is created (4 s leaves room on a loaded machine)
    // and before it escalates (5 s after it): only the escalation reaches them.
    expect(
      (await api.call('POST', '/v1/shifts', { json: shiftNow(officer.body.id), key: api.keys.operator })).status,
    ).toBe(201);
    expect(
      (await api.call('POST', '/v1/shifts', { json: shiftNow(supervisor.body.id, { startsAt: Date.now() + 4000 }) }))
        .status,
    ).toBe(201);
    // The control room's stream: a match in review is theirs before any officer's (api/officer-scope tests the officer's).
    sse = openSse(`${api.url}/v1/alerts/stream`, { authorization: `Bearer ${api.keys.operator}` });
    await sse.opened;
  });

  afterAll(async () => {
    if (skipReason) return;
    sse?.close();
    await queueEvents?.close();
    await alertsQueue?.close();
    redis?.disconnect();
    await receiver?.close();
    await api?.close();
  });

  let alertId: string;
  let createdEvent: SseEvent;

  it.skipIf(skipReason)('tells who is on duty for the case now', async () => {
    const r = await api.call('GET', `/v1/cases/${caseId}/on-duty`, { key: api.keys.officer });
    expect(r.status).toBe(200);
    expect(r.body.officers.map((o: { name: string }) => o.name)).toEqual(['PC One']);
  });

  it.skipIf(skipReason)('never returns camera credentials', async () => {
    const r = await api.call('GET', `/v1/cameras/${cameraId}`, { key: api.keys.analyst });
    expect(r.body.url).toBe('rtsp://***@10.0.0.5:554/stream1');
    expect(r.body.hasCredentials).toBe(true);
    expect(JSON.stringify(await api.call('GET', '/v1/cameras'))).not.toContain('s3cret');
  });

  const signed = (secret: string, hook: { headers: Record<string, string>; body: string }) =>
    verifyWebhook(
      secret,
      { timestamp: hook.headers[WEBHOOK_HEADERS.timestamp]!, signature: hook.headers[WEBHOOK_HEADERS.signature]! },
      hook.body,
    );

  it.skipIf(skipReason)(
    'turns a match event into one pending_review alert for the control room: signed webhook and SSE, no officer yet',
    async () => {
      const crop = await sharp(frame).extract({ left: 280, top: 70, width: 60, height: 70 }).jpeg().toBuffer();
      await redis.set(frameKey(), frame, 'EX', 120);
      await redis.set(cropKey(), crop, 'EX', 120);
      const ev = matchEvent({
        cameraId,
        perpetratorId,
        name: 'Eve Example',
        best: { frameKey: frameKey(), faceCropKey: cropKey() } as never,
      });
      const outcome = (await push(ev)) as { outcome: string; alertId: string };
      expect(outcome.outcome).toBe('created');
      alertId = outcome.alertId;

      const hook = await receiver.waitFor((w) => w.path === '/desk');
      expect(signed(deskSecret, hook)).toBe(true);
      expect(signed('wrong-secret', hook)).toBe(false);
      const payload = JSON.parse(hook.body);
      expect(payload.event).toBe('alert.created');
      expect(payload.alert).toMatchObject({
        id: alertId,
        kind: 'match',
        perpetratorId,
        cameraId,
        caseId,
        state: 'pending_review',
        dispatchedAt: null,
      });
      expect(payload.alert.reviewDueAt - payload.alert.createdAt).toBe(60_000);
      expect(payload.evidence.map((e: { kind: string }) => e.kind).sort()).toEqual(['face_crop', 'snapshot']);

      createdEvent = await sse.waitFor((e) => e.event === 'alert.created');
      expect(JSON.parse(createdEvent.data).alert).toMatchObject({ id: alertId, state: 'pending_review' });

      // In review the alert is the control room's: an officer of the district cannot read it yet.
      expect((await api.call('GET', `/v1/alerts/${alertId}`, { key: api.keys.officer })).status).toBe(404);
      const detail = await api.call('GET', `/v1/alerts/${alertId}`, { key: api.keys.operator });
      expect(detail.body.deliveries).toEqual([
        expect.objectContaining({ officerId: 'control:desk', status: 'delivered', attempts: 1, lastStatus: 204 }),
      ]);
      expect(receiver.received.filter((w) => w.path === '/officer')).toEqual([]);
      const snapshot = detail.body.evidence.find((e: { kind: string }) => e.kind === 'snapshot');
      const img = await fetch(api.url + snapshot.url, { headers: { authorization: `Bearer ${api.keys.operator}` } });
      const bytes = Buffer.from(await img.arrayBuffer());
      expect(img.headers.get('content-type')).toBe('image/jpeg');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(snapshot.sha256);
      expect(img.headers.get('x-content-sha256')).toBe(snapshot.sha256);
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height]).toEqual([640, 360]);
      // The drawn boxes changed the pixels: the snapshot is not the raw frame.
      expect(bytes.equals(frame)).toBe(false);
      expect((await fetch(api.url + snapshot.url)).status).toBe(401);
    },
  );

  it.skipIf(skipReason)('merges a repeat within the cooldown, and ignores the same event delivered twice', async () => {
    const again = matchEvent({ cameraId, perpetratorId, distance: 0.35 });
    expect(await push(again)).toMatchObject({ outcome: 'updated', alertId });
    expect(await push(again)).toMatchObject({ outcome: 'duplicate', alertId });
    const list = await api.call('GET', `/v1/alerts?cameraId=${cameraId}&kind=match`, { key: api.keys.analyst });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: alertId, eventCount: 2, distance: 0.35 });
    expect(list.body.items[0].details.sightings).toHaveLength(2);
    const update = await receiver.waitFor((w) => w.path === '/desk' && JSON.parse(w.body).event === 'alert.updated');
    expect(JSON.parse(update.body).alert.eventCount).toBe(2);
    expect(receiver.received.filter((w) => w.path === '/officer')).toHaveLength(0);
  });

  it.skipIf(skipReason)('dispatches the officer on duty, with the evidence, once an operator confirms', async () => {
    const byOfficer = await api.call('POST', `/v1/alerts/${alertId}/confirm`, { json: {}, key: api.keys.officer });
    expect(byOfficer.status).toBe(403);
    const ok = await api.call('POST', `/v1/alerts/${alertId}/confirm`, {
      json: { note: 'it is him' },
      key: api.keys.operator,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'new', flags: [] });
    expect(ok.body.confirmedAt).toBe(ok.body.dispatchedAt);
    const hook = await receiver.waitFor((w) => w.path === '/officer');
    expect(signed(officerSecret, hook)).toBe(true);
    const payload = JSON.parse(hook.body);
    expect(payload).toMatchObject({ event: 'alert.confirmed', alert: { id: alertId, state: 'new' } });
    expect(payload.evidence.map((e: { kind: string }) => e.kind).sort()).toEqual(['face_crop', 'snapshot']);
    await receiver.waitFor((w) => w.path === '/desk' && JSON.parse(w.body).event === 'alert.confirmed');
    await sse.waitFor((e) => e.event === 'alert.confirmed');
    expect((await api.call('POST', `/v1/alerts/${alertId}/reject`, { json: {}, key: api.keys.operator })).status).toBe(
      409,
    );
  });

  it.skipIf(skipReason)('rejects a match as a false positive: the control room hears, no officer does', async () => {
    const other = await api.call('POST', '/v1/perpetrators', { json: { name: 'Fay Other' }, key: api.keys.operator });
    await api.call('PATCH', `/v1/cases/${caseId}`, {
      json: { perpetratorIds: [perpetratorId, other.body.id] },
      key: api.keys.operator,
    });
    const r = (await push(matchEvent({ cameraId, perpetratorId: other.body.id }))) as { alertId: string };
    const rejected = await api.call('POST', `/v1/alerts/${r.alertId}/reject`, {
      json: { note: 'his brother' },
      key: api.keys.operator,
    });
    expect(rejected.body).toMatchObject({ state: 'false_positive', dispatchedAt: null });
    await receiver.waitFor(
      (w) => w.path === '/desk' && JSON.parse(w.body).event === 'alert.false_positive' && w.body.includes(r.alertId),
    );
    const detail = await api.call('GET', `/v1/alerts/${r.alertId}`);
    expect(detail.body.deliveries.map((d: { officerId: string }) => d.officerId)).toEqual([
      'control:desk',
      'control:desk',
    ]);
    expect(receiver.received.filter((w) => w.path === '/officer' && w.body.includes(r.alertId))).toEqual([]);
  });

  it.skipIf(skipReason)("drops a match for a perpetrator who is not on the camera's case", async () => {
    const stranger = await api.call('POST', '/v1/perpetrators', {
      json: { name: 'Gil Nobody' },
      key: api.keys.operator,
    });
    expect(await push(matchEvent({ cameraId, perpetratorId: stranger.body.id }))).toMatchObject({ outcome: 'dropped' });
    expect((await api.call('GET', `/v1/alerts?perpetratorId=${stranger.body.id}`)).body.items).toEqual([]);
    const metrics = await fetch(`${api.url}/metrics`).then((x) => x.text());
    expect(metrics).toMatch(/watchpost_match_events_dropped_total [1-9]/);
  });

  it.skipIf(skipReason)('raises no alert for a case outside its daily hours', async () => {
    const hour = new Date().getUTCHours();
    const closed = {
      from: `${String((hour + 2) % 24).padStart(2, '0')}:00`,
      to: `${String((hour + 3) % 24).padStart(2, '0')}:00`,
    };
    const c = await api.call('POST', '/v1/cases', {
      json: caseInput({ perpetratorIds: [perpetratorId], activeHours: closed }),
    });
    expect(c.body.protection).toEqual({ active: false, reason: 'outside_active_hours' });
    await api.call('POST', '/v1/cameras', {
      json: { id: 'back-door', name: 'Back door', url: 'rtsp://10.0.0.6/s', caseId: c.body.id },
    });
    expect(await push(matchEvent({ cameraId: 'back-door', perpetratorId }))).toMatchObject({ outcome: 'suppressed' });
    expect((await api.call('GET', '/v1/alerts?cameraId=back-door')).body.items).toEqual([]);
  });

  it.skipIf(skipReason)('escalates an unacknowledged alert to the supervisor on duty', async () => {
    const hook = await receiver.waitFor((w) => w.path === '/supervisor', 20_000);
    expect(
      verifyWebhook(
        supervisorSecret,
        { timestamp: hook.headers[WEBHOOK_HEADERS.timestamp]!, signature: hook.headers[WEBHOOK_HEADERS.signature]! },
        hook.body,
      ),
    ).toBe(true);
    expect(JSON.parse(hook.body)).toMatchObject({
      event: 'alert.escalated',
      alert: { id: alertId, escalationLevel: 1 },
    });
    await sse.waitFor((e) => e.event === 'alert.escalated');
  });

  it.skipIf(skipReason)('records who acknowledged and resolved, and refuses an impossible transition', async () => {
    const ack = await api.call('POST', `/v1/alerts/${alertId}/acknowledge`, {
      json: { note: 'on my way' },
      key: api.keys.officer,
    });
    expect(ack.status).toBe(200);
    expect(ack.body.state).toBe('acknowledged');
    expect(
      (await api.call('POST', `/v1/alerts/${alertId}/acknowledge`, { json: {}, key: api.keys.officer })).status,
    ).toBe(409);
    expect(
      (
        await api.call('POST', `/v1/alerts/${alertId}/resolve`, {
          json: { outcome: 'arrested', note: 'at the door' },
          key: api.keys.operator,
        })
      ).body.state,
    ).toBe('resolved');
    const detail = await api.call('GET', `/v1/alerts/${alertId}`);
    expect(detail.body.actions.map((a: { action: string }) => a.action)).toEqual([
      'created',
      'confirm',
      'escalated',
      'acknowledge',
      'resolve',
    ]);
    // Recorded as the officer the key belongs to, by name and badge.
    expect(detail.body.actions[3].actorName).toMatch(/^PC Test \(officer B-\w+\)$/);
    const { seenAt, confirmedAt, acknowledgedAt, resolvedAt } = detail.body;
    expect(seenAt <= confirmedAt && confirmedAt <= acknowledgedAt && acknowledgedAt <= resolvedAt).toBe(true);
    // Everyone who had it hears it was dealt with.
    for (const path of ['/officer', '/supervisor', '/desk'])
      await receiver.waitFor((w) => w.path === path && JSON.parse(w.body).event === 'alert.resolved');
    await sse.waitFor((e) => e.event === 'alert.resolved');
  });

  it.skipIf(skipReason)('resumes the stream after Last-Event-ID with exactly what was missed', async () => {
    const resumed = openSse(`${api.url}/v1/alerts/stream`, {
      authorization: `Bearer ${api.keys.analyst}`,
      'last-event-id': createdEvent.id!,
    });
    await resumed.opened;
    await resumed.waitFor((e) => e.event === 'alert.resolved');
    const live = sse.events.filter((e) => Number(e.id) > Number(createdEvent.id));
    expect(resumed.events.map((e) => e.id)).toEqual(live.map((e) => e.id));
    const ofAlert = resumed.events.filter((e) => JSON.parse(e.data).alert.id === alertId);
    expect(ofAlert.map((e) => e.event)).toEqual([
      'alert.updated',
      'alert.confirmed',
      'alert.escalated',
      'alert.acknowledged',
      'alert.resolved',
    ]);
    resumed.close();
  });

  it.skipIf(skipReason)('takes a browser ticket instead of a header for the stream', async () => {
    const t = await api.call('POST', '/v1/alerts/stream-ticket', { key: api.keys.officer });
    const ok = openSse(`${api.url}/v1/alerts/stream?ticket=${encodeURIComponent(t.body.ticket)}&lastEventId=0`, {});
    await ok.opened;
    await ok.waitFor((e) => e.event === 'alert.created');
    ok.close();
    expect((await fetch(`${api.url}/v1/alerts/stream?ticket=${encodeURIComponent(t.body.ticket)}x`)).status).toBe(401);
  });

  it.skipIf(skipReason)('raises an SOS from the victim device token and delivers it', async () => {
    const created = await api.call('POST', `/v1/cases/${caseId}/sos-token`, { key: api.keys.operator });
    const r = await api.call('POST', `/v1/cases/${caseId}/sos`, {
      key: created.body.sosToken,
      json: { eventId: 'press-1', location: { lat: 51.5, lon: -0.12 } },
    });
    expect(r.status).toBe(201);
    expect(r.body.alert).toMatchObject({ kind: 'sos', caseId, state: 'new' });
    const again = await api.call('POST', `/v1/cases/${caseId}/sos`, {
      key: created.body.sosToken,
      json: { eventId: 'press-1' },
    });
    expect(again.body).toMatchObject({ outcome: 'duplicate', alert: { id: r.body.alert.id } });
    const hook = await receiver.waitFor((w) => w.path === '/officer' && JSON.parse(w.body).alert.kind === 'sos');
    expect(JSON.parse(hook.body).alert.details.location).toEqual({ lat: 51.5, lon: -0.12 });
  });

  it.skipIf(skipReason)('audits biometric and alert actions, readable by admins only', async () => {
    const audit = await api.call('GET', '/v1/audit?limit=500');
    const actions = new Set(audit.body.items.map((e: { action: string }) => e.action));
    for (const a of [
      'perpetrator.create',
      'case.create',
      'alert.read',
      'alert.evidence.read',
      'alert.confirm',
      'alert.reject',
      'alert.acknowledge',
      'alert.resolve',
      'alert.sos',
    ])
      expect(actions, a).toContain(a);
    // The operator read the snapshot while the match was in review.
    const evidenceRead = audit.body.items.find((e: { action: string }) => e.action === 'alert.evidence.read');
    expect(evidenceRead).toMatchObject({ role: 'operator', targetId: alertId });
    expect((await api.call('GET', '/v1/audit', { key: api.keys.operator })).status).toBe(403);
  });

  it.skipIf(skipReason)('exposes health, readiness and Prometheus metrics', async () => {
    expect((await api.call('GET', '/healthz', { key: null })).body).toEqual({ status: 'ok' });
    expect((await api.call('GET', '/readyz', { key: null })).body).toEqual({
      status: 'ready',
      checks: { database: true, redis: true },
    });
    const metrics = await fetch(`${api.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/watchpost_alert_events_total\{outcome="created"\} [1-9]/);
    expect(metrics).toMatch(/watchpost_sse_clients [1-9]/);
    expect(metrics).toMatch(/watchpost_http_request_duration_seconds_count\{method="GET",route="\/v1\/alerts\/:id"/);
  });
});
