import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CameraStatus } from '../../pipeline/events.js';
import { redisKeys } from '../../pipeline/redis-keys.js';
import { loadConfig } from '../../runtime/config.js';
import { recordFaceSize } from '../../runtime/face-sizes.js';
import { createLogger } from '../../runtime/logger.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { createApiServer, type ApiServer } from '../server.js';
import { ensureWebBuilt } from './build.js';

/** The camera wall in Chromium: the face-size hint of a camera that sees faces too small, and the regions toggle. */
let server: ApiServer;
let baseUrl: string;
let closeHttp: () => Promise<void>;
let browser: Browser;
let redis: Redis;
let dataDir: string;
let operator: string;
const prefix = testPrefix('web-wall');
const cfg = () => loadConfig({ env: {}, overrides: { dataDir, redisPrefix: prefix.prefix, 'log.level': 'warn' } });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'watchpost-web-wall-'));
  const log = createLogger(cfg(), 'web-wall-test');
  const webDist = await ensureWebBuilt(log);
  expect(webDist, 'the dashboard must build').not.toBeNull();
  server = await createApiServer({ cfg: cfg(), log, redisUrl: testRedisUrl(), webDist });
  const http = await server.listen(0, '127.0.0.1');
  baseUrl = http.url;
  closeHttp = http.close;
  operator = (await server.createKey('operator', 'Control room')).key;
  redis = new Redis(testRedisUrl());
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  redis?.disconnect();
  await closeHttp?.();
  await server?.close();
  await prefix.cleanup();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A camera streaming as an ingest worker reports it, whose identify worker saw faces `widthPx` wide. */
async function streamingCamera(name: string, widths: number[]): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/cameras`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, url: `rtsp://127.0.0.1:8554/${name.replace(/\W/g, '')}` }),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const keys = redisKeys(prefix.prefix, cfg().detect.partitions);
  const frame = keys.frame(id, 1);
  await redis.set(
    frame,
    await sharp({ create: { width: 640, height: 360, channels: 3, background: '#456' } })
      .jpeg()
      .toBuffer(),
    'EX',
    600,
  );
  const status: CameraStatus = {
    cameraId: id,
    state: 'streaming',
    lastFrameAt: Date.now(),
    fps: 5,
    framesTotal: 50,
    framesDropped: 0,
    framesCorrupt: 0,
    latestFrameKey: frame,
    updatedAt: Date.now(),
  };
  await redis.set(keys.cameraStatus(id), JSON.stringify(status));
  for (const w of widths) await recordFaceSize(redis, keys, id, w);
  return id;
}

async function cameraWall(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(baseUrl);
  await page.getByLabel('API key').fill(operator);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Cameras', exact: true }).click();
  return page;
}

it('tells the operator which camera sees faces too small to identify, and leaves the others alone', async () => {
  const far = await streamingCamera(
    'Car park mast',
    Array.from({ length: 30 }, (_, i) => 18 + (i % 5)),
  );
  await streamingCamera(
    'Front door',
    Array.from({ length: 30 }, (_, i) => 70 + i),
  );
  const body = (await (
    await fetch(`${baseUrl}/v1/cameras/${far}`, { headers: { authorization: `Bearer ${operator}` } })
  ).json()) as { faceSize: { medianPx: number; samples: number; hint: string | null } };
  expect(body.faceSize).toEqual({
    medianPx: 20,
    samples: 30,
    hint: 'faces here are 20 px (48 px needed to identify): move or zoom the camera',
  });

  const page = await cameraWall();
  const farTile = page.locator('.camera-tile', { hasText: 'Car park mast' });
  await farTile.getByText('faces here are 20 px').waitFor({ timeout: 10_000 });
  await page.locator('.camera-tile', { hasText: 'Front door' }).locator('.camera-name').waitFor();
  await expect(page.locator('.camera-tile', { hasText: 'Front door' }).locator('.camera-hint').count()).resolves.toBe(
    0,
  );
  await page.close();
});

it('draws the regions the detector examined only when the operator asks for them', async () => {
  const page = await cameraWall();
  const tile = page.locator('.camera-tile', { hasText: 'Front door' });
  await tile.locator('img.frame-img').waitFor({ timeout: 10_000 });
  await expect(tile.locator('img.frame-img').getAttribute('src')).resolves.not.toBeNull();
  const asked = page.waitForRequest((r) => /\/frame\?boxes=1&regions=1$/.test(r.url()), { timeout: 10_000 });
  await page.getByLabel('regions examined').check();
  const request = await asked;
  const response = await request.response();
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toMatch(/image\/jpeg/);
  await page.getByLabel('regions examined').uncheck();
  await page.close();
});
