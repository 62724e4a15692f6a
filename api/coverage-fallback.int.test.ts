import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, shiftNow } from '../test/factories/api.factory.js';
import { startWebhookReceiver } from '../test/webhook-receiver.js';

const H = 3600_000;

/** Nobody on duty: who still gets an alert, and the gaps in the roster seen a day ahead. */
describe('no alert without a recipient, and coverage gaps', () => {
  let api: ApiFixture;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    api = await startApiFixture('coverage', {
      overrides: {
        'alerts.allowInsecureWebhooks': true,
        'alerts.controlRoom': [
          { id: 'desk', name: 'Control room', url: `${receiver.url}/desk`, secret: 'whsec_control_room_desk_1' },
        ],
      },
      alertsWorker: { sweepMs: 500 },
    });
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  const sos = async (district: string) => {
    const c = await api.call('POST', '/v1/cases', { json: caseInput({ district }), key: api.keys.operator });
    const r = await api.call('POST', `/v1/cases/${c.body.id}/sos`, { json: { message: 'help' }, key: api.keys.admin });
    expect(r.status).toBe(201);
    return { caseId: c.body.id as string, alert: r.body.alert };
  };

  it('sends an SOS in a district with nobody on duty to the control room, flagged, audited and counted', async () => {
    const { alert } = await sos('nowhere');
    expect(alert.flags).toEqual(['no_officer_on_duty']);
    const hook = await receiver.waitFor((w) => w.path === '/desk' && w.body.includes(alert.id));
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'alert.created', alert: { kind: 'sos', state: 'new' } });
    const audit = await api.call('GET', `/v1/audit?action=alert.no_officer_on_duty&targetId=${alert.id}`);
    expect(audit.body.items).toHaveLength(1);
    const metrics = await fetch(`${api.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/watchpost_alerts_no_officer_on_duty_total\{fallback="control_room"\} [1-9]/);
  });

  it('prefers a supervisor on duty elsewhere to the control room, and an officer of the district to both', async () => {
    const sup = await api.call('POST', '/v1/officers', {
      json: { name: 'Sgt Far', badge: 'cov-s1', district: 'far', supervisor: true, webhookUrl: `${receiver.url}/sgt` },
    });
    await api.call('POST', '/v1/shifts', { json: shiftNow(sup.body.id) });
    const far = await sos('empty');
    expect(far.alert.flags).toEqual(['no_officer_on_duty']);
    await receiver.waitFor((w) => w.path === '/sgt' && w.body.includes(far.alert.id));

    const pc = await api.call('POST', '/v1/officers', {
      json: { name: 'PC Near', badge: 'cov-o1', district: 'near', webhookUrl: `${receiver.url}/pc` },
    });
    await api.call('POST', '/v1/shifts', { json: shiftNow(pc.body.id) });
    const near = await sos('near');
    expect(near.alert.flags).toEqual([]);
    await receiver.waitFor((w) => w.path === '/pc' && w.body.includes(near.alert.id));
    const detail = await api.call('GET', `/v1/alerts/${near.alert.id}`);
    expect(detail.body.deliveries.map((d: { officerId: string }) => d.officerId)).toEqual([pc.body.id]);
  });

  it('lists the protection hours of the next 24 h that no shift covers', async () => {
    const c = await api.call('POST', '/v1/cases', {
      json: caseInput({ district: 'gap-town' }),
      key: api.keys.operator,
    });
    const pc = await api.call('POST', '/v1/officers', {
      json: { name: 'PC Day', badge: 'cov-o2', district: 'gap-town', webhookUrl: `${receiver.url}/day` },
    });
    const shiftEnd = Date.now() + 8 * H;
    await api.call('POST', '/v1/shifts', { json: shiftNow(pc.body.id, { endsAt: shiftEnd }) });
    const r = await api.call('GET', '/v1/coverage', { key: api.keys.operator });
    expect(r.status).toBe(200);
    const mine = r.body.gaps.filter((g: { caseId: string }) => g.caseId === c.body.id);
    expect(mine).toEqual([{ caseId: c.body.id, district: 'gap-town', from: shiftEnd, to: expect.any(Number) }]);
    expect(mine[0].to).toBeGreaterThan(shiftEnd + 15 * H);
    // The district whose officer is on for 8 h has its gap after that; a district with nobody, one gap from now.
    const near = r.body.gaps.find((g: { district: string }) => g.district === 'near');
    expect(near.from).toBeGreaterThan(r.body.from + 7 * H);
    const nowhere = r.body.gaps.find((g: { district: string }) => g.district === 'nowhere');
    expect(nowhere.to - nowhere.from).toBeGreaterThan(23 * H);
  });
});
