import { responderRow } from '../../test/factories/api.factory.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config.js';
import { createLogger } from '../../runtime/logger.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { createApiServer, type ApiServer } from '../server.js';
import { ensureWebBuilt } from './build.js';

/** Admin views in Chromium: a warning before a key expires, the retention policy and purge; other roles see neither. */
let server: ApiServer;
let baseUrl: string;
let closeHttp: () => Promise<void>;
let browser: Browser;
let dataDir: string;
const prefix = testPrefix('web-keys');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'watchpost-web-keys-'));
  const cfg = loadConfig({ env: {}, overrides: { dataDir, redisPrefix: prefix.prefix, 'log.level': 'warn' } });
  const log = createLogger(cfg, 'web-keys-test');
  const webDist = await ensureWebBuilt(log);
  expect(webDist, 'the dashboard must build').not.toBeNull();
  server = await createApiServer({ cfg, log, redisUrl: testRedisUrl(), webDist });
  const http = await server.listen(0, '127.0.0.1');
  baseUrl = http.url;
  closeHttp = http.close;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await closeHttp?.();
  await server?.close();
  await prefix.cleanup();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh page (its own browser context: nothing stored) signed in with the key. */
async function signedIn(key: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
  return page;
}

async function chipFor(key: string): Promise<string | null> {
  const page = await signedIn(key);
  try {
    const chip = page.getByTestId('key-expiry');
    await chip.waitFor({ timeout: 3000 }).catch(() => {});
    return (await chip.count()) ? ((await chip.textContent()) ?? '').replace(/\s+/g, ' ').trim() : null;
  } finally {
    await page.close();
  }
}

it('warns an admin of a key that expires within two weeks, and no one else', async () => {
  const admin = (await server.createKey('admin', 'Duty sergeant')).key;
  const operator = (await server.createKey('operator', 'Control room')).key;
  expect(await chipFor(admin)).toBeNull();

  const auth = server.core.services.auth;
  const jones = responderRow({ name: 'PC Jones', district: 'north' });
  await server.core.repos.officers.insert(jones);
  await auth.createKey('officer', 'PC far future', Date.now() + 90 * 86_400_000, jones.id);
  await auth.createKey('officer', 'PC Jones tablet', Date.now() + 3 * 86_400_000 - 60_000, jones.id);
  const chip = await chipFor(admin);
  expect(chip).toBe('1 API key expiring: PC Jones tablet in 3 days');
  expect(await chipFor(operator)).toBeNull();
}, 120_000);

it('shows an admin the retention policy and the last purge run; other roles have no Retention screen', async () => {
  const admin = (await server.createKey('admin', 'Data protection officer')).key;
  const operator = (await server.createKey('operator', 'Control room 2')).key;
  await server.core.alerting.retention.purge('manual');
  const page = await signedIn(admin);
  try {
    await page.getByRole('link', { name: 'Retention' }).click();
    await page.getByRole('heading', { name: 'Retention' }).waitFor();
    await expect(page.getByTestId('retention-last-run').textContent()).resolves.toContain('finished');
    const rows = await page.locator('.retention-policy tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('retention.falsePositiveDays') && r.includes('30 days after rejection'))).toBe(
      true,
    );
    await expect(page.locator('[data-figure="alerts"] dd').textContent()).resolves.toBe('0');
    // No retention worker runs here, and the page says so.
    await expect(page.getByTestId('retention-next-run').textContent()).resolves.toContain('watchpost worker retention');
  } finally {
    await page.close();
  }
  const other = await signedIn(operator);
  await expect(other.getByRole('link', { name: 'Retention' }).count()).resolves.toBe(0);
  await other.close();
}, 120_000);
