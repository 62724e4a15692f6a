import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../runtime/config.js';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../runtime/embedded-redis.js';
import { createTestPostgres } from '../test/postgres.js';
import { testPrefix, testRedisUrl } from '../test/redis.js';
import { until } from '../test/until.js';
import { serveApi } from './startup.js';

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(redisUrl: string, databaseUrl?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wp-startup-'));
  const { prefix, cleanup } = testPrefix('startup');
  const cfg = loadConfig({
    env: {},
    overrides: { dataDir, redisPrefix: prefix, ...(databaseUrl ? { databaseUrl } : {}) },
  });
  const { log, lines } = capturedLog();
  const t0 = Date.now();
  const api = await serveApi({ cfg, log, redisUrl, webDist: null, port: 0, host: '127.0.0.1' });
  cleanups.push(async () => {
    await api.close();
    await cleanup().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });
  const get = async (path: string, key?: string) => {
    const r = await fetch(api.url + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    // biome-ignore lint/suspicious/noExplicitAny: any route's JSON; each test asserts the fields it reads
    return { status: r.status, body: (await r.json()) as any };
  };
  return { api, lines, t0, get };
}

describe('start-up with a service missing', () => {
  it('listens with Redis unreachable, logs its address without the password within 5 s, and recovers', async () => {
    const port = await freePort();
    // A password the server does not ask for: ioredis carries on without it once Redis is there.
    const { api, lines, t0, get } = await start(`redis://:hunter2@127.0.0.1:${port}`);
    await until(
      'the Redis error in the log',
      // Whichever notices first names it: the start-up probe (in its message) or the connection itself (its field),
      // when the API is already up without Redis.
      () =>
        lines.some((l) => l.level === 50 && `${String(l.msg)} ${String(l.redis ?? '')}`.includes(`127.0.0.1:${port}`)),
      5000,
    ).catch((err: Error) => {
      throw new Error(`${err.message} after ${Date.now() - t0} ms; the log:\n${JSON.stringify(lines, null, 1)}`);
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    const text = JSON.stringify(lines);
    expect(text).toContain(`127.0.0.1:${port}`);
    expect(text).not.toContain('hunter2');
    await until('readyz 503', async () => (await get('/readyz')).status === 503, 5000);
    const ready = await get('/readyz');
    expect(ready.body.checks.redis).toBe(false);
    expect(ready.body.reasons.redis).toContain(`127.0.0.1:${port}`);
    expect(JSON.stringify(ready.body)).not.toContain('hunter2');
    expect((await get('/healthz')).status).toBe(200);

    const redis: EmbeddedRedis = await startEmbeddedRedis({ port });
    cleanups.unshift(() => redis.stop());
    await until('readyz 200', async () => (await get('/readyz')).status === 200, 20_000);
    const key = await api.api()!.createKey('admin', 'startup');
    expect((await get('/v1/me', key.key)).status).toBe(200);
  }, 60_000);

  it('listens with the database missing, answers 503 with the reason, and recovers when it appears', async (ctx) => {
    const made = await createTestPostgres();
    if ('unavailable' in made) return ctx.skip(made.unavailable);
    const url = new URL(made.url);
    const name = url.pathname.slice(1);
    await made.drop();
    url.password = 'pw-not-shown';
    url.username = 'postgres';
    const { lines, t0, get } = await start(testRedisUrl(), url.toString());
    await until(
      'the database error in the log',
      () => lines.some((l) => l.level === 50 && String(l.msg).includes(name)),
      5000,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(JSON.stringify(lines)).not.toContain('pw-not-shown');
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe(false);
    expect(ready.body.reasons.database).toContain(name);
    expect(JSON.stringify(ready.body)).not.toContain('pw-not-shown');
    const other = await get('/v1/cases');
    expect(other.status).toBe(503);

    const admin = new pg.Client({
      connectionString: process.env.WATCHPOST_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanups.unshift(async () => {
      const c = new pg.Client({
        connectionString: process.env.WATCHPOST_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    await until('readyz 200', async () => (await get('/readyz')).status === 200, 20_000);
    expect((await get('/v1/cases')).status).toBe(401);
  }, 60_000);
});
