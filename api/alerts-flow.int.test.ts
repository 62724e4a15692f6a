import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../pipeline/redis-keys.js';
import { type AlertFlow, DESK_SECRET, signed, startAlertFlow } from '../test/alert-flow.js';
import type { ApiFixture } from '../test/api-fixture.js';
import { frameJpeg, matchEvent } from '../test/factories/api.factory.js';
import { pgAvailable } from '../test/postgres.js';
import { openSse, type SseEvent } from '../test/sse-client.js';

const pgMissing = await pgAvailable();
if (pgMissing) console.warn(pgMissing);

/**
 * One match alert's life, test after test on the same alert: review by the control room, merge,
 * confirm and dispatch, escalation, acknowledgement and resolution, the stream that tells of each,
 * and the audit and metrics it leaves. (Who gets an alert and what is refused: alert-intake.int.test.ts.)
 */
describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('alert flow on %s', (engine, skipReason) => {
  let flow: AlertFlow;
  let api: ApiFixture;
  let redis: Redis;
  let receiver: AlertFlow['receiver'];
  let officerSecret: string;
  let supervisorSecret: string;
  let perpetratorId: string;
  let caseId: string;
  let cameraId: string;
  let push: AlertFlow['push'];
  let sse: ReturnType<typeof openSse>;
  const frameKey = () => redisKeys(api.prefix, api.cfg.detect.partitions).frame(cameraId, 10);
  const cropKey = () => redisKeys(api.prefix, api.cfg.detect.partitions).faceCrop(cameraId, 10, 0);
  let frame: Buffer;

  beforeAll(async () => {
    if (skipReason) return;
    flow = await startAlertFlow('flow', engine);
    ({ api, redis, receiver, officerSecret, supervisorSecret, perpetratorId, caseId, cameraId, push } = flow);
    frame = await frameJpeg();
    // The control room's stream: a match in review is theirs before any officer's (api/officer-scope tests the officer's).
    sse = openSse(`${api.url}/v1/alerts/stream`, { authorization: `Bearer ${api.keys.operator}` });
    await sse.opened;
  });

  afterAll(async () => {
    if (skipReason) return;
    sse?.close();
    await flow?.close();
  });

  let alertId: string;
  let createdEvent: SseEvent;

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
      expect(signed(DESK_SECRET, hook)).toBe(true);
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

  it.skipIf(skipReason)('escalates an unacknowledged alert to the supervisor on duty', async () => {
    const hook = await receiver.waitFor((w) => w.path === '/supervisor', 20_000);
    expect(signed(supervisorSecret, hook)).toBe(true);
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
