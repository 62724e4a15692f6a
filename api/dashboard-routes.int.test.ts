import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import type { Box } from '../pipeline/geometry.js';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraStatus } from '../pipeline/events.js';
import { redisKeys } from '../pipeline/redis-keys.js';
import { startApiFixture, type ApiFixture } from '../test/api-fixture.js';
import { caseInput, frameJpeg } from '../test/factories/api.factory.js';

/** A real group photo shipped with @vladmandic/face-api (several people). */
const group = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg'),
);

let api: ApiFixture;
let redis: Redis;
let web: string;
const OFFLINE_S = 1;

const status = (cameraId: string, over: Partial<CameraStatus> = {}): CameraStatus => ({
  cameraId,
  state: 'streaming',
  lastFrameAt: Date.now(),
  fps: 5,
  framesTotal: 100,
  framesDropped: 0,
  framesCorrupt: 0,
  latestFrameKey: null,
  updatedAt: Date.now(),
  ...over,
});

beforeAll(async () => {
  // A built dashboard as vite lays it out: index.html and content-hashed assets.
  web = mkdtempSync(join(tmpdir(), 'wp-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(
    join(web, 'index.html'),
    '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>',
  );
  writeFileSync(join(web, 'assets', 'index-abc123.js'), 'console.log(1)');
  api = await startApiFixture('dash-routes', {
    overrides: { 'ingest.offlineSeconds': OFFLINE_S },
    alertsWorker: { sweepMs: 500, cameraWatchdogMs: 200 },
    server: { webDist: web },
  });
  redis = new Redis(api.redisUrl);
}, 60_000);
afterAll(async () => {
  redis?.disconnect();
  await api?.close();
  rmSync(web, { recursive: true, force: true });
});

describe('GET /v1/me', () => {
  it('names the key and its role, for every role', async () => {
    for (const role of ['admin', 'operator', 'officer', 'analyst'] as const) {
      const r = await api.call('GET', '/v1/me', { key: api.keys[role] });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ role, name: `test ${role}` });
      expect(r.body.id).toMatch(/\S/);
    }
    expect((await api.call('GET', '/v1/me', { key: null })).status).toBe(401);
  });
});

describe('POST /v1/faces/detect (real face models)', () => {
  const post = (body: Uint8Array<ArrayBuffer>, key = api.keys.operator) =>
    api.call('POST', '/v1/faces/detect', { body, headers: { 'content-type': 'application/octet-stream' }, key });

  it('finds every face of a group photo, says it cannot be enrolled, and stores nothing', async () => {
    const before = (await api.call('GET', '/v1/perpetrators')).body.items.length;
    const r = await post(new Uint8Array(group));
    expect(r.status).toBe(200);
    const meta = await sharp(group).metadata();
    expect([r.body.width, r.body.height]).toEqual([meta.width, meta.height]);
    expect(r.body.faces.length).toBeGreaterThan(1);
    for (const f of r.body.faces) {
      const [x1, y1, x2, y2] = f.box;
      expect(x2).toBeGreaterThan(x1);
      expect(y2).toBeGreaterThan(y1);
      expect(f.score).toBeGreaterThan(0);
      expect(f.score).toBeLessThanOrEqual(1);
    }
    expect(r.body.enrolment).toMatchObject({ ok: false, reason: 'several_faces' });
    expect((await api.call('GET', '/v1/perpetrators')).body.items.length).toBe(before);
    const audit = (await api.call('GET', '/v1/audit?limit=20')).body.items as { action: string }[];
    expect(audit.some((a) => a.action === 'faces.detect')).toBe(true);
  });

  it('answers a photo of one person with its single face, enrolable', async () => {
    const r0 = await post(new Uint8Array(group));
    const largest = [...r0.body.faces].sort(
      (a: { box: Box }, b: { box: Box }) => b.box[2] - b.box[0] - (a.box[2] - a.box[0]),
    )[0]!.box as Box;
    const [w, h] = [largest[2]! - largest[0]!, largest[3]! - largest[1]!];
    const left = Math.max(0, Math.round(largest[0]! - w * 0.6));
    const top = Math.max(0, Math.round(largest[1]! - h * 0.6));
    const portrait = await sharp(group)
      .extract({
        left,
        top,
        width: Math.min(r0.body.width - left, Math.round(w * 2.2)),
        height: Math.min(r0.body.height - top, Math.round(h * 2.4)),
      })
      .png()
      .toBuffer();
    const r = await post(new Uint8Array(portrait));
    expect(r.status).toBe(200);
    expect(r.body.enrolment).toEqual({
      ok: true,
      reason: null,
      message: expect.any(String),
      quality: { score: expect.any(Number), measures: expect.any(Object), advice: expect.any(Array) },
    });
    expect(r.body.enrolment.quality.measures.widthPx).toBeGreaterThanOrEqual(80);
    expect(r.body.faces.length).toBeGreaterThanOrEqual(1);
  });

  it('answers no faces as a value, not an error', async () => {
    const blank = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 120, b: 90 } },
    })
      .jpeg()
      .toBuffer();
    const r = await post(new Uint8Array(blank));
    expect(r.status).toBe(200);
    expect(r.body.faces).toEqual([]);
    expect(r.body.enrolment).toMatchObject({ ok: false, reason: 'no_face' });
  });

  it('refuses a non-image (415), a broken image (422), and roles without biometric write access', async () => {
    const text = await post(new TextEncoder().encode('GIF89a? no, plain text'));
    expect(text.status).toBe(415);
    expect(text.body.reason).toBe('not_an_image');
    const truncated = await post(new Uint8Array(group.subarray(0, 600)));
    expect(truncated.status).toBe(422);
    expect(truncated.body.reason).toBe('unreadable_image');
    expect((await post(new Uint8Array(group), api.keys.officer)).status).toBe(403);
    expect((await post(new Uint8Array(group), api.keys.analyst)).status).toBe(403);
  });
});

describe('GET /v1/cameras/:id/frame', () => {
  it('serves the JPEG the ingest worker stored, uncached; 404 problem+json once it expired', async () => {
    await api.call('POST', '/v1/cameras', { json: { id: 'frame-cam', name: 'Porch', url: 'rtsp://10.0.0.2/s' } });
    const keys = redisKeys(api.prefix, api.cfg.detect.partitions);
    const none = await api.call('GET', '/v1/cameras/frame-cam/frame', { key: api.keys.officer });
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toMatch(/problem\+json/);

    const jpeg = await frameJpeg();
    const frameKey = keys.frame('frame-cam', 7);
    await redis.set(frameKey, jpeg, 'PX', 800);
    await redis.set(keys.cameraStatus('frame-cam'), JSON.stringify(status('frame-cam', { latestFrameKey: frameKey })));
    const res = await fetch(`${api.url}/v1/cameras/frame-cam/frame`, {
      headers: { authorization: `Bearer ${api.keys.analyst}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);

    await new Promise((r) => setTimeout(r, 900));
    expect((await api.call('GET', '/v1/cameras/frame-cam/frame')).status).toBe(404);
    expect((await api.call('GET', '/v1/cameras/no-such-cam/frame')).status).toBe(404);
  });
});

describe('GET /v1/cameras/:id/frame?boxes=1 and /detections', () => {
  it("draw the detect worker's tracked people on the frame they were found in", async () => {
    await api.call('POST', '/v1/cameras', { json: { id: 'boxes-cam', name: 'Gate', url: 'rtsp://10.0.0.3/s' } });
    const keys = redisKeys(api.prefix, api.cfg.detect.partitions);
    expect((await api.call('GET', '/v1/cameras/boxes-cam/detections')).status).toBe(404);

    const detected = await frameJpeg();
    const latest = await frameJpeg();
    await redis.set(keys.frame('boxes-cam', 3), detected, 'EX', 60);
    await redis.set(keys.frame('boxes-cam', 4), latest, 'EX', 60);
    await redis.set(
      keys.cameraStatus('boxes-cam'),
      JSON.stringify(status('boxes-cam', { latestFrameKey: keys.frame('boxes-cam', 4) })),
    );
    const seen = {
      cameraId: 'boxes-cam',
      seq: 3,
      ts: 1_800_000_000_600,
      frameKey: keys.frame('boxes-cam', 3),
      width: 640,
      height: 360,
      persons: [{ trackId: 'e1-t7', box: [100, 60, 220, 340] }],
      regions: [[40, 30, 600, 330]],
    };
    await redis.set(keys.cameraDetections('boxes-cam'), JSON.stringify(seen), 'EX', 60);

    const json = await api.call('GET', '/v1/cameras/boxes-cam/detections', { key: api.keys.officer });
    expect(json.status).toBe(200);
    expect(json.body).toEqual(seen);

    const res = await fetch(`${api.url}/v1/cameras/boxes-cam/frame?boxes=1`, {
      headers: { authorization: `Bearer ${api.keys.analyst}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-watchpost-persons')).toBe('1');
    expect(res.headers.get('x-watchpost-frame-ts')).toBe('1800000000600');
    const drawn = await sharp(Buffer.from(await res.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const plain = await sharp(detected).raw().toBuffer();
    expect([drawn.info.width, drawn.info.height]).toEqual([640, 360]);
    // The box's left edge (x 100) is drawn in blue; far from the box the frame is unchanged.
    const px = (buf: Buffer, x: number, y: number) => [...buf.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3)];
    const [r, g, b] = px(drawn.data, 100, 200);
    expect(b! - r!).toBeGreaterThan(80);
    expect(b! - g!).toBeGreaterThan(30);
    expect(Math.abs(px(drawn.data, 500, 300)[1]! - px(plain, 500, 300)[1]!)).toBeLessThan(12);
    // The region the detector examined is drawn (dashed green) only when asked for.
    expect(Math.abs(px(drawn.data, 42, 30)[1]! - px(plain, 42, 30)[1]!)).toBeLessThan(12);
    const withRegions = await fetch(`${api.url}/v1/cameras/boxes-cam/frame?boxes=1&regions=1`, {
      headers: { authorization: `Bearer ${api.keys.analyst}` },
    });
    const regionPx = px(
      await sharp(Buffer.from(await withRegions.arrayBuffer()))
        .raw()
        .toBuffer(),
      42,
      30,
    );
    expect(regionPx[1]! - regionPx[0]!).toBeGreaterThan(60);
    expect(regionPx[1]! - regionPx[2]!).toBeGreaterThan(30);

    // Without boxes: the latest frame as stored; with boxes but the detected frame expired: the latest, undrawn.
    const raw = await fetch(`${api.url}/v1/cameras/boxes-cam/frame`, {
      headers: { authorization: `Bearer ${api.keys.analyst}` },
    });
    expect(Buffer.from(await raw.arrayBuffer()).equals(latest)).toBe(true);
    await redis.del(keys.frame('boxes-cam', 3));
    const fallback = await fetch(`${api.url}/v1/cameras/boxes-cam/frame?boxes=1`, {
      headers: { authorization: `Bearer ${api.keys.analyst}` },
    });
    expect(fallback.headers.get('x-watchpost-persons')).toBeNull();
    expect(Buffer.from(await fallback.arrayBuffer()).equals(latest)).toBe(true);
    expect((await api.call('GET', '/v1/cameras/boxes-cam/frame?boxes=yes')).status).toBe(400);
  });
});

describe('a silent ingest worker', () => {
  it('shows the camera offline and raises one camera_offline alert for the silence', async () => {
    const c = (await api.call('POST', '/v1/cases', { json: caseInput() })).body;
    await api.call('POST', '/v1/cameras', {
      json: { id: 'silent-cam', name: 'Back door', url: 'rtsp://10.0.0.3/s', caseId: c.id },
    });
    await api.call('POST', '/v1/cameras', {
      json: { id: 'alive-cam', name: 'Front door', url: 'rtsp://10.0.0.4/s', caseId: c.id },
    });
    const keys = redisKeys(api.prefix, api.cfg.detect.partitions);
    const lastHeard = Date.now() - 3 * OFFLINE_S * 1000 - 2000;
    await redis.set(
      keys.cameraStatus('silent-cam'),
      JSON.stringify(status('silent-cam', { updatedAt: lastHeard, lastFrameAt: lastHeard })),
    );
    await redis.set(
      keys.cameraStatus('alive-cam'),
      JSON.stringify(status('alive-cam', { updatedAt: Date.now() + 60_000, lastFrameAt: Date.now() + 60_000 })),
    );

    const silent = (await api.call('GET', '/v1/cameras/silent-cam')).body.status;
    expect(silent).toMatchObject({ state: 'offline', online: false, reason: 'no status from the ingest worker' });
    const alive = (await api.call('GET', '/v1/cameras/alive-cam')).body.status;
    expect(alive).toMatchObject({ state: 'streaming', online: true, reason: null });

    // Cameras of earlier tests fall silent too as the suite runs: only these two are looked at.
    const offlineAlerts = async () =>
      (
        (await api.call('GET', `/v1/alerts?limit=50`)).body.items as Array<{
          kind: string;
          cameraId: string;
          eventCount: number;
        }>
      ).filter((a) => a.kind === 'camera_offline' && ['silent-cam', 'alive-cam'].includes(a.cameraId));
    const deadline = Date.now() + 15_000;
    while ((await offlineAlerts()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // Several more sweeps see the same silence: still one alert, not updated by repeats.
    await new Promise((r) => setTimeout(r, 1500));
    const alerts = await offlineAlerts();
    expect(alerts.map((a) => a.cameraId)).toEqual(['silent-cam']);
    expect(alerts[0]?.eventCount).toBe(1);
  }, 30_000);
});

describe('serving the dashboard', () => {
  it('revalidates the page on every load and keeps hashed assets immutable', async () => {
    for (const path of ['/', '/index.html', '/cameras']) {
      const res = await fetch(api.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      await res.text();
    }
    const asset = await fetch(`${api.url}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('asks browsers to upgrade to https only when the request came over TLS', async () => {
    const plain = await fetch(`${api.url}/`);
    expect(plain.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
    expect(plain.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    // The fixture listens on loopback, a trusted proxy: X-Forwarded-Proto tells the original scheme.
    const tls = await fetch(`${api.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);
  });
});
