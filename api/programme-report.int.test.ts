import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput } from '../test/factories/api.factory.js';

/** Outcomes recorded on resolve, and the programme report that reads them, over HTTP. */
let api: ApiFixture;
let from: number;

beforeAll(async () => {
  api = await startApiFixture('programme');
  from = Date.now() - 1000;
});
afterAll(() => api?.close());

/** An SOS on a case of its own (the officer key's district), so each press is a new alert. */
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
    const to = Date.now() + 1000;

    const r = await api.call('GET', `/v1/reports/programme?from=${from}&to=${to}`, { key: api.keys.analyst });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      from,
      to,
      cases: { protected: 4, opened: 4 },
      alerts: { total: 4, byKind: { sos: 4, match: 0, camera_offline: 0 } },
      confirmedSightings: 0,
      falsePositives: 1,
      interceptions: 1,
      arrests: 1,
      outcomes: { intercepted: 1, arrested: 1, no_contact: 0, false_alarm: 0, unrecorded: 0 },
    });
    expect(r.body.sessions.count).toBe(4);
    expect(r.body.times.toAcknowledgement.count).toBe(1);
    expect(r.body.times.toResolution.count).toBe(2);
    expect(r.body.times.toResolution.p90Sec).toBeGreaterThanOrEqual(r.body.times.toResolution.medianSec);
    expect(r.body.times.toConfirmation).toEqual({ count: 0, medianSec: null, p90Sec: null });

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
