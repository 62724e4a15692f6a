import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import { createApiServer, type ApiServer } from '../api/server.js';
import { ensureWebBuilt } from '../api/web/build.js';
import type { Box } from '../pipeline/geometry.js';
import { JOB, QUEUE } from '../pipeline/queues.js';
import { loadConfig } from '../runtime/config.js';
import { FrameStore } from '../runtime/frame-store.js';
import { openQueue } from '../runtime/queues.js';
import { createLogger } from '../runtime/logger.js';
import { alertsWorkerFor } from './api-fixture.js';
import { matchEvent, responderRow } from './factories/api.factory.js';
import { testPrefix, testRedisUrl } from './redis.js';

/**
 * The dashboard as people use it: real headless Chromium against the real API
 * (SQLite, Redis, the alerts worker consuming the real `alerts` queue, the real
 * face models for enrolment). Screenshots go to test-artifacts/ for a person to look at.
 */
const repo = resolve(import.meta.dirname, '..');
export const artifacts = join(repo, 'test-artifacts', 'dashboard');
export const SAMPLE = join(repo, 'node_modules/@vladmandic/face-api/demo/sample2.jpg');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** What a dashboard test reaches: filled in by startDashboard (in beforeAll). */
export const web = {
  server: undefined as unknown as ApiServer,
  baseUrl: '',
  dataDir: '',
  keys: {} as Record<'admin' | 'operator' | 'officer' | 'analyst', string>,
  photos: {} as { single: string; group: string; blank: string },
  prefix: testPrefix('web'),
  /** Config overrides of a test file, set before startDashboard runs. */
  overrides: {} as Record<string, unknown>,
};
let browser: Browser;
let closeHttp: (() => Promise<void>) | undefined;
const pageErrors: string[] = [];

export const webCfg = () =>
  loadConfig({
    env: {},
    overrides: {
      dataDir: web.dataDir,
      redisPrefix: web.prefix.prefix,
      'log.level': 'warn',
      // Converted face models are shared between runs (gitignored), so only the first run converts.
      'models.cacheDir': join(repo, '.cache', 'models'),
      ...web.overrides,
    },
  });

export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(web.baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
}

export async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });

export async function apiGet<T>(path: string, key = web.keys.operator): Promise<T> {
  const res = await fetch(web.baseUrl + path, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Stops the HTTP listener (the API keeps running); `listenAgain` reopens it on the same port. */
export const stopHttp = () => closeHttp?.();
export async function listenAgain(): Promise<void> {
  closeHttp = (await web.server.listen(Number(new URL(web.baseUrl).port), '127.0.0.1')).close;
}

async function responder(name: string, district: string): Promise<string> {
  const row = responderRow({ name, district });
  await web.server.core.repos.officers.insert(row);
  return row.id;
}

export async function startDashboard(): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  web.dataDir = mkdtempSync(join(tmpdir(), 'watchpost-web-'));
  const config = webCfg();
  const log = createLogger(config, 'web-test');
  const webDist = await ensureWebBuilt(log);
  expect(webDist, 'the dashboard must build').not.toBeNull();
  web.server = await createApiServer({
    cfg: config,
    log,
    redisUrl: testRedisUrl(),
    alertsWorker: alertsWorkerFor(config, log, testRedisUrl()),
    webDist,
  });
  const http = await web.server.listen(0, '127.0.0.1');
  web.baseUrl = http.url;
  closeHttp = http.close;
  const key = async (role: keyof typeof web.keys, name: string, officerId?: string) =>
    (await web.server.createKey(role, name, officerId)).key;
  web.keys = {
    admin: await key('admin', 'Duty sergeant'),
    operator: await key('operator', 'Control room operator 1'),
    // The officer signing in on a phone: an officer of the case's district ('North').
    officer: await key('officer', 'PC Sam Patel phone', await responder('PC Sam Patel', 'North')),
    analyst: await key('analyst', 'Analyst'),
  };
  // Real photos: one face cropped from a group photo, the group photo itself, and a photo of nothing.
  const dir = web.dataDir;
  web.photos = { single: join(dir, 'one-face.jpg'), group: join(dir, 'group.jpg'), blank: join(dir, 'empty-wall.jpg') };
  await sharp(SAMPLE).extract({ left: 1340, top: 40, width: 460, height: 520 }).jpeg().toFile(web.photos.single);
  await sharp(SAMPLE).resize(1200).jpeg().toFile(web.photos.group);
  await sharp({ create: { width: 480, height: 360, channels: 3, background: { r: 128, g: 136, b: 140 } } })
    .jpeg()
    .toFile(web.photos.blank);
  const quiet = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', ...quiet],
  });
}

export async function stopDashboard(): Promise<void> {
  // Uncaught errors in the page fail the run even when every step passed.
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await closeHttp?.();
  await web.server?.close();
  await web.prefix.cleanup();
  if (web.dataDir) rmSync(web.dataDir, { recursive: true, force: true });
}

/**
 * As the identify worker does: frame and face crop JPEGs in Redis with a TTL, a match event on the
 * alerts queue. Returns when it was pushed.
 */
export async function pushMatch(cameraId: string, perp: { id: string; name: string }): Promise<number> {
  const redis = new Redis(testRedisUrl());
  const frames = new FrameStore(redis, {
    prefix: web.prefix.prefix,
    partitions: webCfg().detect.partitions,
    ttlSeconds: 600,
  });
  const now = Date.now();
  const frameKey = await frames.putFrame(cameraId, 41, await sharp(SAMPLE).resize(960).jpeg().toBuffer());
  const crop = await sharp(web.photos.single)
    .extract({ left: 90, top: 110, width: 260, height: 260 })
    .jpeg()
    .toBuffer();
  const faceCropKey = await frames.putFaceCrop(cameraId, 41, 0, crop);
  const faceBox: Box = [715, 75, 845, 205];
  const event = matchEvent({
    eventId: `web-test-${now}`,
    cameraId,
    trackId: 't-7',
    perpetratorId: perp.id,
    name: perp.name,
    distance: 0.38,
    scores: [{ ts: now - 800, seq: 41, distance: 0.38, faceBox }],
    best: { frameKey, ts: now - 800, seq: 41, personBox: [670, 20, 960, 540], faceBox, faceCropKey },
    firstSeen: now - 2000,
    lastSeen: now - 800,
  });
  const alerts = openQueue(QUEUE.alerts, { cfg: webCfg(), connection: redis });
  const pushedAt = Date.now();
  await alerts.add(JOB.match, event, { jobId: event.eventId });
  await alerts.close();
  redis.disconnect();
  return pushedAt;
}
