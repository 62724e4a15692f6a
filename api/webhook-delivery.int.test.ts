import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../runtime/embedded-redis.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, shiftNow } from '../test/factories/api.factory.js';
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
      overrides: { 'alerts.webhookAttempts': 3, 'alerts.allowInsecureWebhooks': true },
      alertsWorker: {},
    });
    flaky = await startWebhookReceiver({ failFirst: 1 });
  });
  afterAll(async () => {
    await flaky?.close();
    await api?.close();
  });

  it('retries with backoff until delivered, and records failure after the last attempt', async () => {
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
    await flaky.waitFor(() => true, 15_000);
    const deadline = Date.now() + 20_000;
    let deliveries: {
      url?: string;
      status: string;
      attempts: number;
      lastStatus: number | null;
      lastError: string | null;
    }[] = [];
    while (Date.now() < deadline) {
      deliveries = (await api.call('GET', `/v1/alerts/${sos.body.alert.id}`)).body.deliveries;
      if (deliveries.every((d) => d.status !== 'pending')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const byStatus = Object.fromEntries(deliveries.map((d) => [d.status, d]));
    expect(byStatus.delivered).toMatchObject({ attempts: 2, lastStatus: 204 });
    expect(byStatus.failed).toMatchObject({ attempts: 3, lastStatus: null });
    expect(byStatus.failed.lastError).toBeTruthy();
    const hook = flaky.received[0]!;
    expect(hook.headers['x-watchpost-event']).toBe('alert.created');
    expect(
      verifyWebhook(
        'wrong',
        { timestamp: hook.headers['x-watchpost-timestamp']!, signature: hook.headers['x-watchpost-signature']! },
        hook.body,
      ),
    ).toBe(false);
  });
});
