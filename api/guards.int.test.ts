import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, shiftNow } from '../test/factories/api.factory.js';
import { startWebhookReceiver } from '../test/webhook-receiver.js';

/**
 * Contracted guards are responders of one case: registered with shifts, they get the case's
 * alerts (first in the list, at the same time as the district's officers); guards of another
 * case in the same district do not. Over HTTP with a real webhook receiver.
 */
let api: ApiFixture;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
const ids = { home: '', neighbour: '', officer: '', guard: '', offDuty: '', otherGuard: '' };

async function responder(json: Record<string, unknown>, onShift = true) {
  const r = await api.call('POST', '/v1/officers', { json: { webhookUrl: `${hooks.url}/${json.badge}`, ...json } });
  expect(r.status).toBe(201);
  const HOUR = 3600_000;
  const shift = onShift
    ? shiftNow(r.body.id)
    : shiftNow(r.body.id, { startsAt: Date.now() + 2 * HOUR, endsAt: Date.now() + 12 * HOUR });
  expect((await api.call('POST', '/v1/shifts', { json: shift })).status).toBe(201);
  return r.body;
}

beforeAll(async () => {
  api = await startApiFixture('guards', { overrides: { 'alerts.allowInsecureWebhooks': true }, alertsWorker: {} });
  hooks = await startWebhookReceiver();
  ids.home = (await api.call('POST', '/v1/cases', { json: caseInput({ district: 'lakeside' }) })).body.id;
  ids.neighbour = (await api.call('POST', '/v1/cases', { json: caseInput({ district: 'lakeside' }) })).body.id;
  ids.officer = (await responder({ name: 'PC Lake', badge: 'L-1', district: 'lakeside' })).id;
  const guard = await responder({ kind: 'guard', name: 'Guard Ada', badge: 'SIA-1', caseId: ids.home });
  expect(guard).toMatchObject({ kind: 'guard', caseId: ids.home, district: 'lakeside', supervisor: false });
  ids.guard = guard.id;
  ids.offDuty = (await responder({ kind: 'guard', name: 'Guard Bo', badge: 'SIA-2', caseId: ids.home }, false)).id;
  ids.otherGuard = (await responder({ kind: 'guard', name: 'Guard Cy', badge: 'SIA-3', caseId: ids.neighbour })).id;
}, 60_000);
afterAll(async () => {
  await api?.close();
  await hooks?.close();
});

describe('guards as responders', () => {
  it('are registered per case, and refused without one', async () => {
    const post = (json: Record<string, unknown>) => api.call('POST', '/v1/officers', { json });
    expect((await post({ kind: 'guard', name: 'G', badge: 'x1' })).status).toBe(400);
    expect((await post({ kind: 'guard', name: 'G', badge: 'x2', caseId: 'case_nope' })).status).toBe(400);
    expect((await post({ kind: 'guard', name: 'G', badge: 'x3', caseId: ids.home, supervisor: true })).status).toBe(
      400,
    );
    const guards = await api.call('GET', `/v1/officers?kind=guard&caseId=${ids.home}`);
    expect(guards.body.items.map((g: { name: string }) => g.name).sort()).toEqual(['Guard Ada', 'Guard Bo']);
  });

  it("are on the case's roster first, beside the district's officers, without other cases' guards", async () => {
    const r = await api.call('GET', `/v1/cases/${ids.home}/on-duty`, { key: api.keys.operator });
    expect(r.body.officers.map((o: { id: string; kind: string }) => [o.id, o.kind])).toEqual([
      [ids.guard, 'guard'],
      [ids.officer, 'officer'],
    ]);
  });

  it("get the case's alerts with the officers, by signed webhook, and only their case's", async () => {
    const sos = await api.call('POST', `/v1/cases/${ids.home}/sos`, {
      key: api.keys.operator,
      json: { message: 'at the door' },
    });
    expect(sos.status).toBe(201);
    const alertId = sos.body.alert.id;
    const [toGuard, toOfficer] = await Promise.all([
      hooks.waitFor((w) => w.path === '/SIA-1' && w.body.includes(alertId)),
      hooks.waitFor((w) => w.path === '/L-1' && w.body.includes(alertId)),
    ]);
    expect(toGuard.headers['x-watchpost-signature']).toMatch(/^sha256=/);
    expect(toOfficer.headers['x-watchpost-event']).toBe(toGuard.headers['x-watchpost-event']);
    const detail = await api.call('GET', `/v1/alerts/${alertId}`);
    const recipients = detail.body.deliveries.map((d: { officerId: string }) => d.officerId);
    expect(recipients).toEqual(expect.arrayContaining([ids.guard, ids.officer]));
    expect(recipients).not.toContain(ids.otherGuard);
    expect(recipients).not.toContain(ids.offDuty);

    // A guard's key sees their case's alerts, not the neighbour's.
    const key = (await api.call('POST', '/v1/keys', { json: { role: 'officer', officerId: ids.otherGuard } })).body.key;
    expect((await api.call('GET', `/v1/alerts/${alertId}`, { key })).status).toBe(404);
    const own = await api.call('POST', `/v1/cases/${ids.neighbour}/sos`, { key: api.keys.operator, json: {} });
    expect((await api.call('GET', `/v1/alerts/${own.body.alert.id}`, { key })).status).toBe(200);
  });
});
