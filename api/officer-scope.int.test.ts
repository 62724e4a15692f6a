import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { openQueue } from '../runtime/queues.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, matchEvent, shiftNow } from '../test/factories/api.factory.js';
import { openSse } from '../test/sse-client.js';
import { until } from '../test/until.js';
import { startWebhookReceiver } from '../test/webhook-receiver.js';

/**
 * Officers are people: an officer key acts as its officer, sees and acts on the alerts of
 * their district and those sent to them, and nothing else (404, like an unknown alert).
 * Two districts, officers on shifts with real webhook receivers, escalation after 5 s.
 */
let api: ApiFixture;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
const ids = { north: '', south: '', southSup: '' };
const keys = { north: '', south: '', southSup: '' };

async function officer(name: string, badge: string, district: string, supervisor = false) {
  const o = await api.call('POST', '/v1/officers', {
    json: { name, badge, district, supervisor, webhookUrl: `${hooks.url}/${badge}` },
  });
  expect(o.status).toBe(201);
  expect((await api.call('POST', '/v1/shifts', { json: shiftNow(o.body.id) })).status).toBe(201);
  const k = await api.call('POST', '/v1/keys', { json: { role: 'officer', officerId: o.body.id } });
  expect(k.status).toBe(201);
  expect(k.body).toMatchObject({ name, officerId: o.body.id });
  return { id: o.body.id as string, key: k.body.key as string };
}

beforeAll(async () => {
  api = await startApiFixture('officer-scope', {
    overrides: { 'alerts.escalateAfterSeconds': 5, 'alerts.allowInsecureWebhooks': true },
    alertsWorker: {},
  });
  hooks = await startWebhookReceiver();
  const n = await officer('PC North', 'N-1', 'riverside');
  const s = await officer('PC South', 'S-1', 'hillside');
  const sup = await officer('Sgt South', 'S-9', 'hillside', true);
  [ids.north, keys.north, ids.south, keys.south, ids.southSup, keys.southSup] = [
    n.id,
    n.key,
    s.id,
    s.key,
    sup.id,
    sup.key,
  ];
}, 60_000);
afterAll(async () => {
  await api?.close();
  await hooks?.close();
});

/** A fresh case per alert: a second SOS on a case within the cooldown joins its open alert. */
const newCase = async (district: string) =>
  (await api.call('POST', '/v1/cases', { json: caseInput({ district }) })).body.id as string;

const sos = async (caseId: string) => {
  const r = await api.call('POST', `/v1/cases/${caseId}/sos`, { key: api.keys.operator, json: { message: 'help' } });
  expect(r.status).toBe(201);
  return r.body.alert.id as string;
};

describe('officer keys', () => {
  it('belong to an officer: refused without one, with an unknown one, or on another role', async () => {
    const post = (json: unknown) => api.call('POST', '/v1/keys', { json });
    expect((await post({ role: 'officer', name: 'loose key' })).status).toBe(400);
    expect((await post({ role: 'officer', officerId: 'off_nobody' })).status).toBe(400);
    expect((await post({ role: 'operator', name: 'x', officerId: ids.north })).status).toBe(400);
    const listed = (await api.call('GET', '/v1/keys')).body.items.find((k: { name: string }) => k.name === 'PC North');
    expect(listed.officerId).toBe(ids.north);
  });

  it("keeps an officer to their district's alerts: another district's is 404 to read, act on or fetch evidence of", async () => {
    const northAlert = await sos(await newCase('riverside'));
    const southAlert = await sos(await newCase('hillside'));
    const listFor = async (key: string) =>
      (await api.call('GET', '/v1/alerts?kind=sos', { key })).body.items.map((a: { id: string }) => a.id);
    expect(await listFor(keys.north)).toContain(northAlert);
    expect(await listFor(keys.north)).not.toContain(southAlert);
    expect(await listFor(keys.south)).toEqual(expect.arrayContaining([southAlert]));
    expect(await listFor(keys.south)).not.toContain(northAlert);
    expect(await listFor(api.keys.operator)).toEqual(expect.arrayContaining([northAlert, southAlert]));

    expect((await api.call('GET', `/v1/alerts/${northAlert}`, { key: keys.south })).status).toBe(404);
    for (const action of ['acknowledge', 'resolve', 'false-positive'])
      expect(
        (
          await api.call('POST', `/v1/alerts/${northAlert}/${action}`, {
            key: keys.south,
            json: action === 'resolve' ? { outcome: 'false_alarm' } : {},
          })
        ).status,
        action,
      ).toBe(404);
    expect((await api.call('GET', `/v1/alerts/${northAlert}/evidence/anything`, { key: keys.south })).status).toBe(404);
    expect((await api.call('GET', `/v1/alerts/${northAlert}`, { key: api.keys.operator })).body.state).not.toBe(
      'resolved',
    );
    const denied = await api.call('GET', `/v1/audit?action=alert.denied&targetId=${northAlert}`);
    expect(denied.body.items.length).toBeGreaterThanOrEqual(5);
    expect(denied.body.items[0].actorName).toBe('PC South (officer S-1)');
  });

  it("keeps a match in review from the district's officers until an operator confirms it", async () => {
    const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Eve Example' } });
    const c = await api.call('POST', '/v1/cases', {
      json: caseInput({ district: 'riverside', perpetratorIds: [p.body.id], windowStart: Date.now() - 3600_000 }),
    });
    const cam = { id: 'scope-door', name: 'Door', url: 'rtsp://10.0.0.9/s', caseId: c.body.id };
    expect((await api.call('POST', '/v1/cameras', { json: cam })).status).toBe(201);
    const redis = new Redis(api.redisUrl);
    const queue = openQueue(QUEUE.alerts, { cfg: api.cfg, connection: redis });
    await queue.add(JOB.match, matchEvent({ cameraId: cam.id, perpetratorId: p.body.id }));
    await queue.close();
    redis.disconnect();
    const alertId = await until('the match in review', async () => {
      const r = await api.call('GET', `/v1/alerts?kind=match&state=pending_review&caseId=${c.body.id}`);
      return r.body.items?.[0]?.id as string | undefined;
    });
    const listed = async () =>
      (await api.call('GET', '/v1/alerts?kind=match', { key: keys.north })).body.items.map((a: { id: string }) => a.id);
    expect(await listed()).not.toContain(alertId);
    expect((await api.call('GET', `/v1/alerts/${alertId}`, { key: keys.north })).status).toBe(404);
    expect((await api.call('POST', `/v1/alerts/${alertId}/acknowledge`, { key: keys.north, json: {} })).status).toBe(
      404,
    );
    expect((await api.call('POST', `/v1/alerts/${alertId}/confirm`, { key: api.keys.operator, json: {} })).status).toBe(
      200,
    );
    expect(await listed()).toContain(alertId);
    expect((await api.call('GET', `/v1/alerts/${alertId}`, { key: keys.north })).status).toBe(200);
  });

  it('records an action as the officer who took it, in the alert and the audit', async () => {
    const alertId = await sos(await newCase('riverside'));
    const ack = await api.call('POST', `/v1/alerts/${alertId}/acknowledge`, { key: keys.north, json: {} });
    expect(ack.status).toBe(200);
    const detail = await api.call('GET', `/v1/alerts/${alertId}`, { key: keys.north });
    expect(detail.body.actions.find((a: { action: string }) => a.action === 'acknowledge').actorName).toBe(
      'PC North (officer N-1)',
    );
    const audit = await api.call('GET', `/v1/audit?action=alert.acknowledge&targetId=${alertId}`);
    expect(audit.body.items[0]).toMatchObject({ actorName: 'PC North (officer N-1)', role: 'officer' });
  });

  it("streams an officer only their district's alerts, and another district's once it is escalated to them", async () => {
    const streams = Object.fromEntries(
      (['north', 'south', 'southSup'] as const).map((k) => [
        k,
        openSse(`${api.url}/v1/alerts/stream`, { authorization: `Bearer ${keys[k]}` }),
      ]),
    );
    await Promise.all(Object.values(streams).map((s) => s.opened));
    const northAlert = await sos(await newCase('riverside'));
    const southAlert = await sos(await newCase('hillside'));
    const about = (id: string, type?: string) => (e: { event: string; data: string }) =>
      (!type || e.event === type) && (JSON.parse(e.data) as { alert: { id: string } }).alert.id === id;
    await streams.north!.waitFor(about(northAlert, 'alert.created'));
    await streams.south!.waitFor(about(southAlert, 'alert.created'));
    // The riverside alert has no supervisor there: unacknowledged, it escalates to the one on duty in hillside.
    await streams.southSup!.waitFor(about(northAlert, 'alert.escalated'), 15_000);
    await hooks.waitFor((w) => w.path === '/S-9' && w.body.includes(northAlert));
    expect((await api.call('GET', `/v1/alerts/${northAlert}`, { key: keys.southSup })).status).toBe(200);
    expect((await api.call('GET', `/v1/alerts/${northAlert}`, { key: keys.south })).status).toBe(404);
    expect(streams.north!.events.some(about(southAlert))).toBe(false);
    expect(streams.south!.events.some(about(northAlert))).toBe(false);
    expect(streams.southSup!.events.some(about(northAlert, 'alert.created'))).toBe(false);

    // Resuming from the start replays only what the officer may see.
    const resumed = openSse(`${api.url}/v1/alerts/stream?lastEventId=0`, { authorization: `Bearer ${keys.south}` });
    await resumed.waitFor(about(southAlert, 'alert.created'));
    expect(resumed.events.some(about(northAlert))).toBe(false);
    for (const s of [...Object.values(streams), resumed]) s.close();
  }, 30_000);
});
