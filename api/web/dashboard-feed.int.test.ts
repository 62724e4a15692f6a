import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraEvent } from '../../pipeline/events.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { openQueue } from '../../runtime/queues.js';
import {
  DESKTOP,
  listenAgain,
  newPage,
  shot,
  signIn,
  startDashboard,
  stopDashboard,
  stopHttp,
  web,
  webCfg,
} from '../../test/dashboard.js';
import { testRedisUrl } from '../../test/redis.js';

/** The live alert feed in real Chromium while the API goes away and comes back (test/dashboard.ts starts both). */
beforeAll(startDashboard, 300_000);
afterAll(stopDashboard);

describe('dashboard alert feed in Chromium', () => {
  it('keeps the feed honest across a server restart: shows it is reconnecting, then catches up what it missed', async () => {
    const res = await fetch(`${web.baseUrl}/v1/cameras`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.keys.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Garage', url: 'rtsp://127.0.0.1:8554/garage' }),
    });
    const garage = (await res.json()) as { id: string };
    const page = await newPage(DESKTOP);
    await signIn(page, web.keys.operator);
    await page.locator('.feed-live').waitFor();

    await stopHttp();
    await page.locator('.feed-reconnecting').waitFor({ timeout: 15_000 });
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/feed lost/i);
    await shot(page, 'feed-reconnecting-1280');
    // While the page cannot reach the server, the pipeline reports the camera offline.
    const redis = new Redis(testRedisUrl());
    const alerts = openQueue(QUEUE.alerts, { cfg: webCfg(), connection: redis });
    const offline: CameraEvent = {
      type: 'camera.offline',
      eventId: `web-test-garage-${Date.now()}`,
      cameraId: garage.id,
      ts: Date.now(),
      lastFrameAt: null,
      reason: 'connection refused',
    };
    const job = await alerts.add(JOB.cameraOffline, offline, { jobId: offline.eventId });
    await expect.poll(() => job.isCompleted(), { timeout: 15_000 }).toBe(true);
    await alerts.close();
    redis.disconnect();

    await listenAgain();
    await page.locator('.feed-live').waitFor({ timeout: 30_000 });
    await page
      .locator('.alert-card.kind-camera_offline[data-state="new"]', { hasText: 'Garage' })
      .waitFor({ timeout: 10_000 });
    await expect(page.locator('.banner').count()).resolves.toBe(0);
    await page.close();
  }, 90_000);
});
