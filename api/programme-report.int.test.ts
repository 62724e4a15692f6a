import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { openQueue } from '../runtime/queues.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, matchEvent } from '../test/factories/api.factory.js';
import { until } from '../test/until.js';

/** Outcomes recorded on resolve, and the programme report that reads them, over HTTP. */
let api: ApiFixture;
let from: number;

beforeAll(async () => {
  api = await startApiFixture('programme', { alertsWorker: {} });
  from = Date.now() - 1000;
});
afterAll(() => api?.close());

/** An SOS on a case of its own (the officer key's district), so each press is a new alert. */
/** A face match on a case's camera, as the identify worker raises it, confirmed by an operator in review. */
async function confirmedMatch(): Promise<string> {
  const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Eve Example' } });
  const c = await api.call('POST', '/v1/cases', {
    json: caseInput({ perpetratorIds: [p.body.id], windowStart: Date.now() - 3600_000 }),
  });
  const cam = await api.call('POST', '/v1/cameras', {
    json: { id: 'programme-door', name: 'Door', url: 'rtsp://10.0.0.9/s', caseId: c.body.id },
  });
  expect(cam.status).toBe(201);
  const redis = new Redis(api.redisUrl);
  const queue = openQueue(QUEUE.alerts, { cfg: api.cfg, connection: redis });
  await queue.add(JOB.match, matchEvent({ cameraId: 'programme-door', perpetratorId: p.body.id }));
  await queue.close();
  redis.disconnect();
  const alertId = await until('the match alert in review', async () => {
    const r = await api.call('GET', '/v1/alerts?kind=match&state=pending_review');
    return r.body.items?.[0]?.id as string | undefined;
  });
  expect((await api.call('POST', `/v1/alerts/${alertId}/confirm`, { key: api.keys.operator, json: {} })).status).toBe(
    200,
  );
  return alertId;
}

async function sosAlert(): Promise<string> {
  const c = await api.call('POST', '/v1/cases', { json: caseInput({ windowStart: Date.now() - 3600_000 }) });
  const r = await api.call('POST', `/v1/cases/${c.body.id}/sos`, { key: c.body.sosToken, json: { message: 'help' } });
  expect(r.status).toBe(201);
  return r.body.alert.id;
}

const act = (id: string, action: string, json: unknown = {}) =>
  api.call('POST', `/v1/alerts/${id}/${action}`, { key: api.keys.officer, json });

describe('outcomes', () => {
  it('are required to resolve, stored on the alert and in the audit', async () => {
    const id = await sosAlert();
    expect((await act(id, 'resolve')).status).toBe(400);
    expect((await act(id, 'resolve', { outcome: 'caught' })).status).toBe(400);
    expect((await act(id, 'acknowledge')).status).toBe(200);
    const done = await act(id, 'resolve', { outcome: 'intercepted', note: 'stopped at the gate' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'resolved', outcome: 'intercepted' });
    const audit = await api.call('GET', `/v1/audit?action=alert.resolve&targetId=${id}`);
    expect(audit.body.items[0].detail).toEqual({ note: 'stopped at the gate', outcome: 'intercepted' });
  });
});

describe('programme report', () => {
  it('summarises the period: alerts by kind, outcomes and step times, as JSON and CSV, for admins and analysts', async () => {
    const arrested = await sosAlert();
    expect((await act(arrested, 'resolve', { outcome: 'arrested' })).status).toBe(200);
    const falseAlarm = await sosAlert();
    expect((await act(falseAlarm, 'false-positive')).status).toBe(200);
    await sosAlert(); // still open
    const match = await confirmedMatch();
    expect((await act(match, 'acknowledge')).status).toBe(200);
    const to = Date.now() + 1000;

    const r = await api.call('GET', `/v1/reports/programme?from=${from}&to=${to}`, { key: api.keys.analyst });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      from,
      to,
      cases: { protected: 5, opened: 5 },
      alerts: { total: 5, byKind: { sos: 4, match: 1, camera_offline: 0 } },
      confirmedSightings: 1,
      falsePositives: 1,
      interceptions: 1,
      arrests: 1,
      outcomes: { intercepted: 1, arrested: 1, no_contact: 0, false_alarm: 0, unrecorded: 0 },
    });
    expect(r.body.sessions.count).toBe(5);
    expect(r.body.times.toAcknowledgement.count).toBe(2);
    expect(r.body.times.toResolution.count).toBe(2);
    expect(r.body.times.toResolution.p90Sec).toBeGreaterThanOrEqual(r.body.times.toResolution.medianSec);
    // The match was seen a second before its event (the factory's firstSeen), then confirmed.
    expect(r.body.times.toConfirmation.count).toBe(1);
    expect(r.body.times.toConfirmation.medianSec).toBeGreaterThanOrEqual(1);

    const csv = await fetch(`${api.url}/v1/reports/programme?from=${from}&to=${to}&format=csv`, {
      headers: { authorization: `Bearer ${api.keys.admin}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="programme-\d{4}-\d\d-\d\d-/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('section,metric,value');
    expect(lines).toEqual(expect.arrayContaining(['alerts,sos,4', 'outcomes,arrested,1', 'outcomes,intercepted,1']));

    for (const key of [api.keys.officer, api.keys.operator])
      expect((await api.call('GET', '/v1/reports/programme', { key })).status).toBe(403);
    expect((await api.call('GET', `/v1/reports/programme?from=${to}&to=${from}`)).status).toBe(400);
    const read = await api.call('GET', '/v1/audit?action=report.read');
    expect(read.body.items.length).toBeGreaterThanOrEqual(2);
  });

  it('leaves out alerts outside the period', async () => {
    const r = await api.call('GET', `/v1/reports/programme?from=${from - 3600_000}&to=${from}`, {
      key: api.keys.analyst,
    });
    expect(r.body.alerts.total).toBe(0);
  });
});
