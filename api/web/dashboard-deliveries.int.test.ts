import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/embedded-redis.js';
import { caseInput, shiftNow } from '../../test/factories/api.factory.js';
import { DESKTOP, newPage, pushMatch, shot, signIn, startDashboard, stopDashboard, web } from '../../test/dashboard.js';

/**
 * Issue 24: "the dashboard shows each recipient's delivery state on the alert". Two officers
 * on duty, each with a real webhook receiver: one answers 204, the other 503 until the
 * delivery alarm is up. The alert card in Chromium names each recipient with its state.
 */
web.overrides = {
  'alerts.review': 'off',
  'alerts.allowInsecureWebhooks': true,
  'alerts.deliveryAlarmSeconds': 4,
  'alerts.webhookMaxBackoffSeconds': 1,
};
beforeAll(startDashboard, 300_000);
afterAll(stopDashboard);

/** A webhook receiver answering every POST with `status`; counts what it got. */
async function receiver(status: number): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(status).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits: () => hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(web.baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${web.keys.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('alert card delivery states in Chromium', () => {
  it('shows each recipient: delivered, retrying with the reason, then the alarm once it fails past the alarm time', async () => {
    const ok = await receiver(204);
    const failing = await receiver(503);
    const district = 'Deliveries';
    for (const [name, hook] of [
      ['PC Ada Reachable', ok],
      ['PC Ben Lift', failing],
    ] as const) {
      const officer = await post<{ id: string }>('/v1/officers', {
        name,
        badge: name.slice(3, 6),
        district,
        webhookUrl: hook.url,
      });
      await post('/v1/shifts', shiftNow(officer.id));
    }
    const perp = await post<{ id: string; name: string }>('/v1/perpetrators', { name: 'Delivery Subject' });
    const kase = await post<{ id: string }>(
      '/v1/cases',
      caseInput({ district, perpetratorIds: [perp.id], windowStart: Date.now() - 60_000 }),
    );
    const camera = await post<{ id: string }>('/v1/cameras', {
      name: 'Delivery porch',
      url: 'rtsp://127.0.0.1:8554/delivery-porch',
      caseId: kase.id,
    });
    await pushMatch(camera.id, perp);

    const page = await newPage(DESKTOP);
    await signIn(page, web.keys.operator);
    const card = page.locator('.alert-card', { hasText: 'Delivery Subject' });
    const delivery = (officer: string) => card.locator('li.delivery', { hasText: officer });
    await delivery('PC Ada Reachable')
      .and(page.locator('[data-delivery-status="delivered"]'))
      .waitFor({ timeout: 30_000 });
    await expect(delivery('PC Ada Reachable').textContent()).resolves.toMatch(/: delivered \d/);
    // Retried, and the card says so and why, before the alarm time.
    await expect
      .poll(() => delivery('PC Ben Lift').textContent(), { timeout: 15_000 })
      .toMatch(/not delivered after \d+ attempts \(receiver answered 503\), retrying/);
    await expect(delivery('PC Ben Lift').getAttribute('data-delivery-status')).resolves.toBe('pending');
    await shot(page, 'alert-deliveries-retrying-1280');
    // Failing past alerts.deliveryAlarmSeconds: the alarm is on the card (the card rereads pending deliveries).
    await card.locator('li.delivery.delivery-alarm', { hasText: 'PC Ben Lift' }).waitFor({ timeout: 30_000 });
    await expect(delivery('PC Ben Lift').textContent()).resolves.toMatch(/retrying · ALARM since \d/);
    await expect(
      delivery('PC Ada Reachable').locator('xpath=self::*[contains(@class, "delivery-alarm")]').count(),
    ).resolves.toBe(0);
    await shot(page, 'alert-deliveries-alarm-1280');
    expect(ok.hits()).toBe(1);
    expect(failing.hits()).toBeGreaterThanOrEqual(2);
    await page.close();
    await ok.close();
    await failing.close();
  }, 120_000);
});
