import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertFlow, startAlertFlow } from '../test/alert-flow.js';
import type { ApiFixture } from '../test/api-fixture.js';
import { caseInput, matchEvent } from '../test/factories/api.factory.js';
import { pgAvailable } from '../test/postgres.js';

const pgMissing = await pgAvailable();
if (pgMissing) console.warn(pgMissing);

/**
 * Who an alert goes to and what never becomes one: the officers on duty for a case, camera
 * credentials kept out of every answer, matches off the camera's case or outside its hours,
 * and an SOS from the victim's device. (One match alert's life: alerts-flow.int.test.ts.)
 */
describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('alert intake on %s', (engine, skipReason) => {
  let flow: AlertFlow;
  let api: ApiFixture;
  let receiver: AlertFlow['receiver'];
  let perpetratorId: string;
  let caseId: string;
  let cameraId: string;
  let push: AlertFlow['push'];

  beforeAll(async () => {
    if (skipReason) return;
    flow = await startAlertFlow('intake', engine);
    ({ api, receiver, perpetratorId, caseId, cameraId, push } = flow);
  });

  afterAll(async () => {
    if (!skipReason) await flow?.close();
  });

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
    const audit = await api.call('GET', '/v1/audit?limit=500');
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('alert.sos');
  });
});
