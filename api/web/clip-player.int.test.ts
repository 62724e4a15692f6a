import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import type { ClipTrack } from '../../pipeline/clip-track.js';
import type { Box } from '../../pipeline/geometry.js';
import { type ClipReady, JOB, QUEUE } from '../../pipeline/queues.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { createLogger } from '../../runtime/logger.js';
import { openQueue } from '../../runtime/queues.js';
import { type ApiFixture, startApiFixture } from '../../test/api-fixture.js';
import { caseInput, matchEvent } from '../../test/factories/api.factory.js';
import { until } from '../../test/until.js';
import { ensureWebBuilt } from './build.js';

const artifacts = join(import.meta.dirname, '../../test-artifacts', 'dashboard');
/** 6 s of the doorstep fixture from 20 s (the enrolled subject walks in), and the subject's boxes in it. */
const FROM = 20;
const SECONDS = 6;

function subjectTrack(): ClipTrack {
  const a = fixture('doorstep-720p')
    .truth()
    .appearances.find((x) => x.identity === 'subject-a' && x.frames.some((f) => f.t >= FROM && f.t < FROM + SECONDS))!;
  const boxes = a.frames
    .filter((f) => f.t >= FROM && f.t < FROM + SECONDS && f.personBox)
    .map((f) => ({ t: Math.round((f.t - FROM) * 1000) / 1000, box: f.personBox as Box }));
  return { width: 1280, height: 720, fps: 10, boxes };
}

/**
 * The alert card's player in real Chromium against the real API and alerts worker: the clip the
 * evidence worker would hand over plays from byte ranges, and the matched person's box is drawn
 * from the WebVTT track over the video (not into it).
 */
describe('dashboard clip player', () => {
  let api: ApiFixture;
  let redis: Redis;
  let browser: Browser;
  let alertId: string;
  const dir = mkdtempSync(join(tmpdir(), 'clip-player-'));
  const track = subjectTrack();

  beforeAll(async () => {
    const webDist = await ensureWebBuilt(createLogger({ log: { level: 'warn', format: 'json' } }));
    expect(webDist, 'the dashboard must build').not.toBeNull();
    api = await startApiFixture('web-clip', { server: { webDist }, alertsWorker: { sweepMs: 500 } });
    redis = new Redis(api.redisUrl);
    const p = await api.call('POST', '/v1/perpetrators', { json: { name: 'Eve Example' } });
    // Protected since an hour ago, so the sighting is inside the protection window whatever the time of day.
    const c = await api.call('POST', '/v1/cases', {
      json: caseInput({ perpetratorIds: [p.body.id], windowStart: Date.now() - 3600_000 }),
    });
    const camera = { id: 'door', name: 'Door', url: 'rtsp://10.0.0.9/s', caseId: c.body.id };
    expect((await api.call('POST', '/v1/cameras', { json: camera })).status).toBe(201);
    const alerts = openQueue(QUEUE.alerts, { cfg: api.cfg, connection: redis });
    await alerts.add(JOB.match, matchEvent({ cameraId: 'door', perpetratorId: p.body.id }));
    alertId = await until('the alert', async () => (await api.call('GET', '/v1/alerts')).body.items?.[0]?.id, 30_000);

    // What the evidence worker hands over: the clip (H.264, as it encodes redacted copies) and the track.
    const clipFile = join(dir, 'clip.mp4');
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-ss', String(FROM), '-i', fixture('doorstep-720p').video, '-t', `${SECONDS}`]
        .concat(['-an', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'])
        .concat(['-y', clipFile]),
    );
    const keys = redisKeys(api.prefix, api.cfg.detect.partitions);
    const files: ClipReady['files'] = [];
    for (const [kind, bytes, mime] of [
      ['clip', readFileSync(clipFile), 'video/mp4'],
      ['clip_redacted', readFileSync(clipFile), 'video/mp4'],
      ['clip_track', Buffer.from(JSON.stringify(track)), 'application/json'],
    ] as const) {
      const key = keys.evidenceFile(alertId, kind);
      await redis.set(key, bytes, 'EX', 600);
      files.push({ kind, key, sha256: 'x', mime });
    }
    await alerts.add(JOB.clipReady, {
      alertId,
      cameraId: 'door',
      startMs: Date.now() - 9000,
      endMs: Date.now(),
      files,
    });
    await alerts.close();
    await until(
      'the clip on the alert',
      async () => (await api.call('GET', `/v1/alerts/${alertId}`)).body.evidence.length >= 3,
      30_000,
    );
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    redis?.disconnect();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays the redacted clip from byte ranges and draws the matched person’s box over it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const media: { url: string; status: number; range: string | null }[] = [];
    page.on('response', (r) => {
      if (/\/evidence\/|\/clip\/track/.test(r.url()))
        media.push({ url: r.url(), status: r.status(), range: r.request().headers().range ?? null });
    });
    await page.goto(api.url);
    await page.getByLabel('API key').fill(api.keys.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const video = page.locator(`[data-alert-id="${alertId}"] video.clip-video`);
    await video.waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      (sel) => (document.querySelector(sel) as HTMLVideoElement)?.readyState >= 1,
      `[data-alert-id="${alertId}"] video.clip-video`,
      { timeout: 30_000 },
    );
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(SECONDS - 0.5);
    expect(duration).toBeLessThan(SECONDS + 0.5);

    // Seek to where the subject is (3 s in): the track's cue for that moment draws one box.
    const at = track.boxes.find((b) => Math.abs(b.t - 3) < 0.06)!;
    await video.evaluate((v: HTMLVideoElement, t: number) => {
      v.currentTime = t;
    }, at.t + 0.02);
    const canvas = page.locator(`[data-alert-id="${alertId}"] canvas.clip-overlay`);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('data-boxes') === '1',
      `[data-alert-id="${alertId}"] canvas.clip-overlay`,
      { timeout: 15_000 },
    );
    // The box's top edge is drawn where the track says, scaled to the element; the video's own pixels are untouched.
    const probe = await canvas.evaluate((c: HTMLCanvasElement, box: number[]) => {
      const v = c.parentElement!.querySelector('video')!;
      const scale = Math.min(v.clientWidth / 1280, v.clientHeight / 720);
      const ox = (v.clientWidth - 1280 * scale) / 2;
      const oy = (v.clientHeight - 720 * scale) / 2;
      const dpr = window.devicePixelRatio || 1;
      const g = c.getContext('2d')!;
      const px = (x: number, y: number) => [...g.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data];
      const midX = ox + ((box[0]! + box[2]!) / 2) * scale;
      return {
        onEdge: px(midX, oy + box[1]! * scale),
        inside: px(midX, oy + ((box[1]! + box[3]!) / 2) * scale),
      };
    }, at.box);
    expect(probe.onEdge[3]).toBeGreaterThan(200); // opaque: the box's stroke
    expect(probe.onEdge.slice(0, 3)).toEqual([255, 204, 0]);
    expect(probe.inside[3]).toBe(0); // the person inside the box is not painted over
    await page.locator(`[data-alert-id="${alertId}"]`).screenshot({ path: join(artifacts, 'clip-player.png') });

    // The clip came as byte ranges (206), with the ticket the page traded its key for; the track as WebVTT.
    expect(media.some((m) => m.url.includes('/evidence/') && m.status === 206 && m.range?.startsWith('bytes='))).toBe(
      true,
    );
    expect(media.some((m) => m.url.includes('/clip/track') && m.status === 200)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('serves the recorded clip to admins only, and the track as WebVTT and JSON', async () => {
    const detail = (await api.call('GET', `/v1/alerts/${alertId}`)).body;
    const original = detail.evidence.find((e: { kind: string }) => e.kind === 'clip').url;
    expect((await api.call('GET', original, { key: api.keys.analyst })).status).toBe(403);
    expect((await api.call('GET', original, { key: api.keys.operator })).status).toBe(403);
    expect((await api.call('GET', original, { key: api.keys.admin })).status).toBe(200);
    const vtt = await api.call('GET', `/v1/alerts/${alertId}/clip/track`, { key: api.keys.analyst });
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
    const json = await api.call('GET', `/v1/alerts/${alertId}/clip/track?format=json`, { key: api.keys.analyst });
    expect(json.body.boxes.length).toBe(track.boxes.length);
    // A ticket opens only the player's routes, and a forged one nothing.
    const { ticket } = (await api.call('POST', '/v1/evidence/media-ticket', { key: api.keys.analyst })).body;
    const withTicket = (path: string, t: string) => fetch(`${api.url}${path}?ticket=${encodeURIComponent(t)}`);
    expect((await withTicket(`/v1/alerts/${alertId}/clip/track`, ticket)).status).toBe(200);
    expect((await withTicket(`/v1/alerts/${alertId}`, ticket)).status).toBe(401);
    expect((await withTicket('/v1/alerts/stream', ticket)).status).toBe(401);
    expect((await withTicket(`/v1/alerts/${alertId}/clip/track`, `${ticket}x`)).status).toBe(401);
  }, 60_000);
});
