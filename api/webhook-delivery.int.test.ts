import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../runtime/embedded-redis.js';
import { startApiFixture, startSpareAlertsWorker, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, shiftNow } from '../test/factories/api.factory.js';
import { until } from '../test/until.js';
import { startWebhookReceiver } from '../test/webhook-receiver.js';
import { signWebhook, verifyWebhook } from '../alerting/delivery/webhook-signature.js';

describe('webhook signature', () => {
  it('is an HMAC-SHA256 over timestamp.body that a receiver can check, and rejects stale or altered requests', () => {
    const sig = signWebhook('whsec_x', 1_800_000_000, '{"a":1}');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('whsec_x', { timestamp: '1800000000', signature: sig }, '{"a":1}', 300, 1_800_000_100)).toBe(
      true,
    );
    expect(verifyWebhook('whsec_x', { timestamp: '1800000000', signature: sig }, '{"a":2}', 300, 1_800_000_100)).toBe(
      false,
    );
    expect(verifyWebhook('whsec_x', { timestamp: '1800000000', signature: sig }, '{"a":1}', 300, 1_800_000_400)).toBe(
      false,
    );
  });
});

describe('webhook delivery receipts', () => {
  let api: ApiFixture;
  let flaky: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    api = await startApiFixture('webhooks', {
      overrides: {
        'alerts.webhookMaxBackoffSeconds': 1,
        'alerts.deliveryAlarmSeconds': 2,
        'alerts.allowInsecureWebhooks': true,
      },
      alertsWorker: {},
    });
    flaky = await startWebhookReceiver({ failFirst: 1 });
  });
  afterAll(async () => {
    await flaky?.close();
    await api?.close();
  });

  it('retries with a capped backoff until delivered, under one delivery id; an undeliverable one alarms, then ends on resolve', async () => {
    const deadPort = await freePort();
    const c = await api.call('POST', '/v1/cases', { json: caseInput({ district: 'east' }) });
    for (const [badge, url] of [
      ['w1', `${flaky.url}/hook`],
      ['w2', `http://127.0.0.1:${deadPort}/nobody`],
    ]) {
      const o = await api.call('POST', '/v1/officers', {
        json: { name: badge, badge, district: 'east', webhookUrl: url },
      });
      await api.call('POST', '/v1/shifts', { json: shiftNow(o.body.id) });
    }
    const sos = await api.call('POST', `/v1/cases/${c.body.id}/sos`, {
      json: { message: 'help' },
      key: api.keys.officer,
    });
    expect(sos.status).toBe(201);
    const alertId = sos.body.alert.id;
    await flaky.waitFor(() => true, 15_000);
    type Delivery = {
      id: string;
      officerName: string | null;
      status: string;
      attempts: number;
      lastStatus: number | null;
      lastError: string | null;
      alarmedAt: number | null;
    };
    const deliveries = async (): Promise<Delivery[]> =>
      (await api.call('GET', `/v1/alerts/${alertId}`)).body.deliveries;
    const dead = async () => (await deliveries()).find((d) => d.status !== 'delivered');
    // The dead receiver: still pending (never given up), attempted again and again, 1 s apart at most.
    const deadline = Date.now() + 20_000;
    while (((await dead())?.attempts ?? 0) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const delivered = (await deliveries()).find((d) => d.status === 'delivered');
    expect(delivered).toMatchObject({ attempts: 2, lastStatus: 204, officerName: 'w1', alarmedAt: null });
    expect(await dead()).toMatchObject({ status: 'pending', lastStatus: null, officerName: 'w2' });
    expect((await dead())!.attempts).toBeGreaterThanOrEqual(4);
    const hook = flaky.received[0]!;
    expect(hook.headers['x-watchpost-event']).toBe('alert.created');
    // The retry carried the delivery's id: a receiver deduplicates on it.
    expect(hook.headers['x-watchpost-delivery']).toBe(delivered!.id);
    expect(
      verifyWebhook(
        'wrong',
        { timestamp: hook.headers['x-watchpost-timestamp']!, signature: hook.headers['x-watchpost-signature']! },
        hook.body,
      ),
    ).toBe(false);
    // Past deliveryAlarmSeconds: the alarm is in the audit and the metrics.
    const alarms = async () =>
      (await api.call('GET', `/v1/audit?action=webhook.alarm&targetId=${alertId}`)).body.items.length;
    // The alarm is written right after the attempt that crossed the limit: wait for it rather than race it.
    await until('the delivery alarm in the audit', async () => (await alarms()) > 0);
    expect(await alarms()).toBe(1);
    const alarmedAt = (await dead())!.alarmedAt;
    expect(alarmedAt).toBeGreaterThan(0);
    // A second alerts worker on the same database (a restart, or a spare) retries it too, and
    // raises no second alarm: the mark is in the database, not in a process's memory.
    const spare = await startSpareAlertsWorker(api);
    try {
      const before = (await dead())!.attempts;
      await until(
        'four more attempts by both workers',
        async () => ((await dead())?.attempts ?? 0) >= before + 4,
        15_000,
      );
      expect((await dead())!.attempts).toBeGreaterThanOrEqual(before + 4);
    } finally {
      await spare.close();
    }
    expect(await alarms()).toBe(1);
    expect((await dead())!.alarmedAt).toBe(alarmedAt);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(Number(/^watchpost_webhook_failures_total (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);
    expect(Number(/^watchpost_webhook_oldest_undelivered_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(2);
    // Resolved: someone has dealt with it, so the retries end.
    expect((await api.call('POST', `/v1/alerts/${alertId}/resolve`, { json: { outcome: 'no_contact' } })).status).toBe(
      200,
    );
    const end = Date.now() + 10_000;
    while ((await dead())?.status === 'pending' && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect(await dead()).toMatchObject({ status: 'skipped', lastError: 'alert resolved before delivery' });
  }, 60_000);
});
