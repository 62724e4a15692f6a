import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraEvent, CameraStatus } from '../../pipeline/events.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { openQueue } from '../../runtime/queues.js';
import {
  pushMatch,
  apiGet,
  artifacts,
  DESKTOP,
  newPage,
  PHONE,
  SAMPLE,
  shot,
  signIn,
  startDashboard,
  stopDashboard,
  web,
  webCfg,
} from '../../test/dashboard.js';
import { testRedisUrl } from '../../test/redis.js';

/** The dashboard in real Chromium against the real API (test/dashboard.ts starts both). */
const PERPETRATOR = 'Maximilian Alexander von Hohenzollern-Sigmaringen';

beforeAll(startDashboard, 300_000);
afterAll(stopDashboard);

describe('operator dashboard in Chromium', () => {
  it('refuses a wrong key with a reason, then signs in and shows only what the role may see', async () => {
    const page = await newPage(DESKTOP);
    await page.goto(web.baseUrl);
    await shot(page, 'login-1280');
    await page.getByLabel('API key').fill('not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not accepted/i);

    await signIn(page, web.keys.operator);
    const tabs = await page.getByRole('navigation', { name: 'Screens' }).getByRole('link').allTextContents();
    expect(tabs).toEqual(['Alerts', 'Cameras', 'Perpetrators', 'Cases & duty']);
    await page.getByText('Nothing needs attention').waitFor();
    await page.close();

    const officer = await newPage(PHONE);
    await signIn(officer, web.keys.officer);
    expect(await officer.getByRole('navigation', { name: 'Screens' }).getByRole('link').allTextContents()).toEqual([
      'Alerts',
      'Cameras',
      'Cases & duty',
    ]);
    await officer.close();
  });

  it('enrols a perpetrator from a real photo and refuses a group photo and a photo with no face, saying why', async () => {
    const page = await newPage(DESKTOP);
    await signIn(page, web.keys.operator);
    await page.getByRole('link', { name: 'Perpetrators' }).click();
    await page.getByRole('button', { name: 'Enrol perpetrator' }).click();
    const enrol = page.getByRole('form', { name: 'Enrol a perpetrator' });
    await enrol.getByLabel('Name', { exact: true }).fill(PERPETRATOR);
    await enrol.getByLabel('Notes (optional)').fill('Restraining order 2026-0091');
    // One photo dragged and dropped onto the drop zone, two chosen with the file picker.
    const dropped = await page.evaluateHandle(
      ({ b64, name }) => {
        const dt = new DataTransfer();
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
        return dt;
      },
      { b64: readFileSync(web.photos.single).toString('base64'), name: 'one-face.jpg' },
    );
    await enrol.locator('.dropzone').dispatchEvent('dragover', { dataTransfer: dropped });
    await enrol.locator('.dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await enrol.locator('.candidate', { hasText: 'one-face.jpg' }).waitFor();
    await enrol.getByLabel('Photos', { exact: true }).setInputFiles([web.photos.group, web.photos.blank]);
    const candidate = (file: string) => page.locator('.candidate', { hasText: file });
    await expect.poll(() => page.locator('.candidate[data-status="checking"]').count(), { timeout: 120_000 }).toBe(0);
    await shot(page, 'enrol-checked-1280');
    // The server found and outlined the faces before anything was saved: the verdict is already on screen.
    await expect(candidate('one-face.jpg').getAttribute('data-status')).resolves.toBe('ok');
    await expect(candidate('one-face.jpg').locator('.face-box').count()).resolves.toBe(1);
    await expect(candidate('group.jpg').getAttribute('data-status')).resolves.toBe('refused');
    expect(await candidate('group.jpg').locator('.face-box').count()).toBeGreaterThan(1);
    await expect(candidate('group.jpg').locator('.cand-reason').textContent()).resolves.toMatch(/\d+ faces found/);
    await expect(candidate('empty-wall.jpg').getAttribute('data-status')).resolves.toBe('refused');
    await expect(candidate('empty-wall.jpg').locator('.cand-reason').textContent()).resolves.toMatch(/no face/i);
    expect((await apiGet<{ items: unknown[] }>('/v1/perpetrators')).items).toEqual([]);
    await page.getByRole('button', { name: 'Save with 1 photo' }).click();
    // Only the usable photo is uploaded; once it is enrolled the form closes with a notice.
    await page.getByText(`Enrolled ${PERPETRATOR} with 1 photo`).waitFor({ timeout: 180_000 });
    await shot(page, 'enrol-result-1280');
    await expect(enrol.count()).resolves.toBe(0);
    const row = page.locator('.person', { hasText: PERPETRATOR });
    await row.getByText('1 photo').waitFor();
    await expect.poll(() => row.locator('img.person-photo').count()).toBe(1);
    await shot(page, 'perpetrators-1280');
    await page.setViewportSize(PHONE);
    await shot(page, 'perpetrators-390');
    await page.close();
  }, 300_000);

  it('opens a protection case with the perpetrator and a camera, showing the SOS token once', async () => {
    const page = await newPage(DESKTOP);
    await signIn(page, web.keys.operator);
    await page.getByRole('link', { name: 'Cases & duty' }).click();
    await page.getByRole('button', { name: 'New case' }).click();
    const form = page.getByRole('form', { name: 'New protection case' });
    await form.getByLabel(/Victim reference/).fill('VR-2026-00412');
    await form.getByLabel('Residence').fill('14 Elm Street, Flat 3, Northtown');
    await form.getByLabel('Patrol district').fill('North');
    await form.getByLabel('Risk level').selectOption('very_high');
    await form.getByLabel(PERPETRATOR).check();
    await form.getByRole('button', { name: 'Create case' }).click();
    await page.getByText('panic-button token').waitFor();
    const card = page.locator('.case-card', { hasText: 'VR-2026-00412' });
    await card.getByText('Protecting').waitFor();
    await card.getByText(PERPETRATOR).waitFor();
    await card.getByRole('button', { name: 'Add camera' }).click();
    const camForm = page.getByRole('form', { name: 'Add camera' });
    await camForm.getByLabel('Name').fill('Front door');
    await camForm.getByLabel('Stream URL').fill('rtsp://viewer:s3cret@127.0.0.1:8554/front');
    await camForm.getByRole('button', { name: 'Add camera' }).click();
    await card.getByText('Front door').waitFor();
    await expect(page.content()).resolves.not.toContain('s3cret');
    await page.close();

    // The roster is the admin's: an officer and a shift starting now put someone on duty for the case.
    const admin = await newPage(DESKTOP);
    await signIn(admin, web.keys.admin);
    await admin.getByRole('link', { name: 'Cases & duty' }).click();
    await admin.getByRole('button', { name: 'Add officer' }).click();
    const officerForm = admin.getByRole('form', { name: 'Add officer' });
    await officerForm.getByLabel('Name').fill('PC Jane Smith');
    await officerForm.getByLabel('Badge').fill('4411');
    await officerForm.getByLabel('District').fill('North');
    await officerForm.getByRole('button', { name: 'Add officer' }).click();
    await admin.locator('.roster li', { hasText: 'PC Jane Smith' }).waitFor();
    await admin.getByRole('button', { name: 'Add shift' }).click();
    const shiftForm = admin.getByRole('form', { name: 'Add shift' });
    await shiftForm.getByLabel('Officer').selectOption({ label: 'PC Jane Smith · 4411 · North' });
    await shiftForm.getByRole('button', { name: 'Add shift' }).click();
    await admin.locator('.roster li.on-duty', { hasText: 'PC Jane Smith' }).waitFor();
    await admin.reload();
    await admin.locator('.case-card', { hasText: 'VR-2026-00412' }).getByText('PC Jane Smith').waitFor();
    await shot(admin, 'cases-1280');
    // The queue board (bull-board) opens in a tab of its own, on the cookie the API sets for admins.
    const [board] = await Promise.all([
      admin.waitForEvent('popup'),
      admin.getByRole('button', { name: 'Queues' }).click(),
    ]);
    await board.waitForURL(/\/admin\/queues/);
    await board.locator('#root').waitFor({ state: 'attached' });
    // The queue list comes from bull-board's own API: the cookie opened that too. Each queue is a link in the
    // side menu (its overview card names it again, so the menu is where to look).
    const menu = board.getByRole('navigation');
    for (const q of [QUEUE.alerts, QUEUE.webhooks, QUEUE.escalations, QUEUE.identify, QUEUE.replays]) {
      await menu.getByRole('link', { name: q, exact: true }).waitFor();
    }
    await shot(board, 'queue-board');
    await board.close();
    await admin.close();
  });

  it('shows a match pushed onto the alerts queue live, with evidence; acknowledging changes it for everyone', async () => {
    const cams = await apiGet<{ items: { id: string; name: string }[] }>('/v1/cameras');
    const perps = await apiGet<{ items: { id: string; name: string }[] }>('/v1/perpetrators');
    const camera = cams.items.find((c) => c.name === 'Front door')!;
    const perp = perps.items.find((p) => p.name === PERPETRATOR)!;
    expect(camera && perp).toBeTruthy();

    const operator = await newPage(DESKTOP);
    await signIn(operator, web.keys.operator);
    const officer = await newPage(PHONE);
    await signIn(officer, web.keys.officer);
    await operator.locator('.feed-live').waitFor();
    await officer.locator('.feed-live').waitFor();

    const pushedAt = await pushMatch(camera.id, perp);
    // Review first: the match reaches the control room as pending_review, and no officer yet.
    const pending = operator.locator('.alert-card[data-state="pending_review"]', { hasText: PERPETRATOR });
    await pending.waitFor({ timeout: 15_000 });
    // A figure for the report, not an assertion: speed is measured, never asserted, in tests.
    console.log(`dashboard: match on the queue -> card on screen in ${Date.now() - pushedAt} ms`);
    await expect(operator.locator('.chip-alarm').textContent()).resolves.toMatch(/1\s*new alert.*1 to review/);
    await expect.poll(() => pending.locator('img.snapshot-img').count()).toBe(1);
    await expect.poll(() => pending.locator('img.face-img').count()).toBe(2); // seen on camera beside enrolled
    await expect(pending.textContent()).resolves.toMatch(/Front door/);
    await expect(pending.textContent()).resolves.toMatch(/VR-2026-00412/);
    await expect(pending.textContent()).resolves.toMatch(/0\.380/);
    await expect(pending.textContent()).resolves.toMatch(/unconfirmed in \d+ s/);
    await expect(officer.locator('.alert-card', { hasText: PERPETRATOR }).count()).resolves.toBe(0);
    await operator.waitForTimeout(300);
    await shot(operator, 'alert-review-1280');

    // An operator on a phone confirms it: the officer's card appears, both pages show it dispatched.
    const reviewer = await newPage(PHONE);
    await signIn(reviewer, web.keys.operator);
    const onPhone = reviewer.locator('.alert-card[data-state="pending_review"]', { hasText: PERPETRATOR });
    await onPhone.getByRole('button', { name: 'Confirm match' }).waitFor({ timeout: 15_000 });
    await shot(reviewer, 'alert-review-390');
    await onPhone.getByRole('button', { name: 'Confirm match' }).click();
    const card = operator.locator('.alert-card[data-state="new"]', { hasText: PERPETRATOR });
    await card.waitFor({ timeout: 10_000 });
    await reviewer
      .locator('.alert-card[data-state="new"]', { hasText: PERPETRATOR })
      .getByText(/Confirmed by/)
      .waitFor();
    await officer.locator('.alert-card[data-state="new"]', { hasText: PERPETRATOR }).waitFor({ timeout: 15_000 });
    await expect(operator.locator('.chip-alarm').textContent()).resolves.toMatch(/1\s*new alert/);
    await shot(reviewer, 'alert-confirmed-390');
    await shot(operator, 'alert-new-1280');
    await shot(officer, 'alert-new-390');
    await reviewer.close();

    await card.getByRole('button', { name: 'Acknowledge' }).click();
    const handled = (page: Page) => page.locator('.alert-card[data-state="acknowledged"]', { hasText: PERPETRATOR });
    await handled(operator).waitFor();
    await handled(officer).waitFor({ timeout: 10_000 }); // over SSE, without a reload
    await handled(operator)
      .getByText(/Acknowledged by/)
      .waitFor();
    await expect(operator.locator('.chip-alarm').count()).resolves.toBe(0);
    await shot(operator, 'alert-acknowledged-1280');
    await shot(officer, 'alert-acknowledged-390');

    // The officer on the phone resolves it, saying what happened; it leaves the open lists on both screens.
    await handled(officer).getByRole('button', { name: 'Resolve' }).click();
    await shot(officer, 'alert-resolve-outcome-390');
    await handled(officer)
      .getByRole('group', { name: 'What happened?' })
      .getByRole('button', { name: 'Arrested' })
      .click();
    const closed = (page: Page) => page.locator('.closed-list li[data-state="resolved"]', { hasText: PERPETRATOR });
    await closed(officer).getByText('Resolved: Arrested').waitFor();
    await closed(operator).getByText('Resolved: Arrested').waitFor({ timeout: 10_000 });
    await expect(handled(operator).count()).resolves.toBe(0);
    await operator.close();
    await officer.close();
  }, 120_000);

  it('shows a silent camera as an alert and offline, and live frames on the camera tiles', async () => {
    const camera = (await apiGet<{ items: { id: string; name: string }[] }>('/v1/cameras')).items.find(
      (c) => c.name === 'Front door',
    )!;
    const operator = await newPage(DESKTOP);
    await signIn(operator, web.keys.operator);
    const officer = await newPage(PHONE);
    await signIn(officer, web.keys.officer);
    await officer.locator('.feed-live').waitFor();
    const redis = new Redis(testRedisUrl());
    const alerts = openQueue(QUEUE.alerts, { cfg: webCfg(), connection: redis });
    const k = redisKeys(web.prefix.prefix, webCfg().detect.partitions);
    const now = Date.now();
    // A camera that stops delivering frames is an alert too, and counts as offline in the header.
    const offline: CameraEvent = {
      type: 'camera.offline',
      eventId: `web-test-offline-${now}`,
      cameraId: camera.id,
      ts: Date.now(),
      lastFrameAt: now - 30_000,
      reason: 'no frames for 30 s',
    };
    await alerts.add(JOB.cameraOffline, offline, { jobId: offline.eventId });
    await officer.locator('.alert-card.kind-camera_offline[data-state="new"]').waitFor({ timeout: 15_000 });
    await expect(officer.locator('.chip-warn').textContent()).resolves.toMatch(/1/);
    await shot(officer, 'alert-camera-offline-390');
    // As the ingest worker does: the latest frame JPEG in Redis with a TTL, its key in the camera status.
    const latest = k.frame(camera.id, 99);
    await redis.set(latest, await sharp(SAMPLE).resize(960).jpeg().toBuffer(), 'EX', 600);
    const status: CameraStatus = {
      cameraId: camera.id,
      state: 'streaming',
      lastFrameAt: Date.now(),
      fps: 5,
      framesTotal: 500,
      framesDropped: 0,
      framesCorrupt: 0,
      latestFrameKey: latest,
      updatedAt: Date.now(),
    };
    await redis.set(k.cameraStatus(camera.id), JSON.stringify(status));
    // A camera whose ingest worker died a minute ago: its last status still says streaming.
    const created = await fetch(`${web.baseUrl}/v1/cameras`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.keys.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Side gate', url: 'rtsp://127.0.0.1:8554/side' }),
    });
    const side = (await created.json()) as { id: string };
    const heardAt = Date.now() - 60_000;
    await redis.set(
      k.cameraStatus(side.id),
      JSON.stringify({ ...status, cameraId: side.id, latestFrameKey: null, lastFrameAt: heardAt, updatedAt: heardAt }),
    );
    await alerts.close();
    redis.disconnect();

    await officer.getByRole('link', { name: 'Cameras', exact: true }).click();
    await officer.locator('.camera-tile', { hasText: 'Front door' }).waitFor();
    await officer
      .locator('.camera-tile', { hasText: 'Front door' })
      .locator('img.frame-img')
      .waitFor({ timeout: 10_000 });
    await officer.locator('.camera-tile', { hasText: 'Front door' }).getByText('5.0 fps').waitFor({ timeout: 10_000 });
    await shot(officer, 'cameras-390');
    await operator.getByRole('link', { name: 'Cameras', exact: true }).click();
    await operator
      .locator('.camera-tile', { hasText: 'Front door' })
      .locator('img.frame-img')
      .waitFor({ timeout: 10_000 });
    await operator.locator('.camera-tile', { hasText: 'Front door' }).getByText('5.0 fps').waitFor({ timeout: 10_000 });
    const sideTile = operator.locator('.camera-tile', { hasText: 'Side gate' });
    await sideTile.getByText('no status from the ingest worker').waitFor({ timeout: 10_000 });
    await expect(sideTile.getAttribute('data-state')).resolves.toBe('offline');
    await shot(operator, 'cameras-1280');
    await officer.getByRole('link', { name: 'Cases & duty' }).click();
    await officer.locator('.case-card').first().waitFor();
    await shot(officer, 'cases-390');
    await operator.close();
    await officer.close();
  }, 120_000);

  it('gives analysts replays and no alert actions', async () => {
    const page = await newPage(DESKTOP);
    await signIn(page, web.keys.analyst);
    expect(await page.getByRole('navigation', { name: 'Screens' }).getByRole('link').allTextContents()).toEqual([
      'Alerts',
      'Cameras',
      'Perpetrators',
      'Cases & duty',
      'Replays',
      'Programme',
    ]);
    await page.locator('.alert-card').first().waitFor();
    await expect(page.getByRole('button', { name: 'Acknowledge' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Resolve' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Replays' }).click();
    await page.getByRole('heading', { name: 'Replays' }).waitFor();
    await page.getByRole('button', { name: 'Run replay' }).waitFor();
    await page.getByRole('combobox', { name: 'Watch for' }).waitFor();
    await shot(page, 'replays-1280');
    // The programme report counts the arrest the officer recorded above, and exports as CSV.
    await page.getByRole('link', { name: 'Programme' }).click();
    await page.getByRole('heading', { name: 'Programme report' }).waitFor();
    await expect(page.locator('[data-figure="Arrests"] dd').textContent()).resolves.toBe('1');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(readFileSync(await csv.path(), 'utf8')).toContain('outcomes,arrested,1');
    await page.setViewportSize(PHONE);
    await shot(page, 'programme-390');
    await page.close();
  });

  it('stays usable by keyboard: skip link, tabs and alert actions are reachable', async () => {
    const page = await newPage(PHONE);
    await signIn(page, web.keys.operator);
    const openOffline = page.locator('.alert-card.kind-camera_offline[data-state="new"]');
    await openOffline.first().waitFor();
    const before = await openOffline.count();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    // Tab to the open camera alert's Acknowledge button and press Enter: no mouse needed.
    let focused = '';
    for (let i = 0; i < 40 && focused !== 'Acknowledge'; i++) {
      await page.keyboard.press('Tab');
      focused = (await page.evaluate(() => document.activeElement?.textContent?.trim())) ?? '';
    }
    expect(focused).toBe('Acknowledge');
    await page.keyboard.press('Enter');
    await expect.poll(() => openOffline.count()).toBe(before - 1);
    // No element may be wider than the phone screen (long names must not break the layout).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    writeFileSync(
      join(artifacts, 'README.txt'),
      'Screenshots of the dashboard test (api/web/dashboard.int.test.ts) at 1280x800 and 390x844.\n',
    );
    await page.close();
  });
});
