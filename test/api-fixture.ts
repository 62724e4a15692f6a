import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../pipeline/config/index.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger, type Logger } from '../runtime/logger.js';
import { Shutdown } from '../runtime/shutdown.js';
import { hostedAlertsWorker, startAlertsWorker, type AlertsWorkerOptions } from '../workers/alerts/index.js';
import { testPrefix, testRedisUrl } from './redis.js';
import type { Role } from '../audit/audit-context.js';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../api/server.js';
import { createTestPostgres, type TestPostgres } from './postgres.js';
import { responderRow } from './factories/api.factory.js';

/** An alerts worker for a test's API server to host. */
export const alertsWorkerFor = (cfg: Config, log: Logger, redisUrl: string, opts: AlertsWorkerOptions = {}) =>
  hostedAlertsWorker({ cfg, log, redisUrl, shutdown: new Shutdown(log) }, opts);

/** A second alerts worker on a fixture's database and Redis, with its own services (as its own process would be). */
export const startSpareAlertsWorker = (api: Pick<ApiFixture, 'cfg' | 'redisUrl'>) => {
  const log = createLogger({ log: { level: 'silent', format: 'json' } });
  return startAlertsWorker({ cfg: api.cfg, log, redisUrl: api.redisUrl, shutdown: new Shutdown(log) });
};

export type Engine = 'sqlite' | 'postgres';

/** Converted models are cached across test runs (conversion takes a while; the cache is checked by its manifest). */
export const TEST_MODELS_DIR = join(tmpdir(), 'watchpost-test-models');

export interface ApiFixture {
  server: ApiServer;
  cfg: Config;
  url: string;
  redisUrl: string;
  prefix: string;
  keys: Record<Role, string>;
  /** The officer (district 'north') that `keys.officer` acts as. */
  officerId: string;
  /** fetch against the server with an optional key; JSON bodies are encoded. */
  call(
    method: string,
    path: string,
    opts?: { key?: string | null; json?: unknown; body?: BodyInit; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: any route's JSON; each test asserts the fields it reads
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * A real API server on a free port: its own data folder, Redis key prefix and
 * (for 'postgres') its own database, one key per role.
 */
export async function startApiFixture(
  name: string,
  opts: {
    engine?: Engine;
    overrides?: Record<string, unknown>;
    redisUrl?: string;
    server?: Partial<ApiServerOptions>;
    /** Host the alerts worker in the API process (as `watchpost api` does). */
    alertsWorker?: AlertsWorkerOptions;
  } = {},
): Promise<ApiFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), `wp-api-${name}-`));
  const { prefix, cleanup } = testPrefix(name);
  let pg: TestPostgres | null = null;
  if (opts.engine === 'postgres') {
    const r = await createTestPostgres();
    if ('unavailable' in r) throw new Error(r.unavailable);
    pg = r;
  }
  const cfg = loadConfig({
    env: {},
    overrides: {
      dataDir,
      redisPrefix: prefix,
      'log.level': process.env.WATCHPOST_TEST_LOG ?? 'silent',
      'log.format': 'json',
      'models.cacheDir': TEST_MODELS_DIR,
      ...(pg ? { databaseUrl: pg.url } : {}),
      ...opts.overrides,
    },
  });
  const log = createLogger(cfg, `test-${name}`);
  const redisUrl = opts.redisUrl ?? testRedisUrl();
  const server = await createApiServer({
    cfg,
    log,
    redisUrl,
    webDist: null,
    authFailures: { perAddress: 10_000, perKey: 10_000 },
    alertsWorker: opts.alertsWorker ? alertsWorkerFor(cfg, log, redisUrl, opts.alertsWorker) : undefined,
    ...opts.server,
  });
  const listening = await server.listen(0, '127.0.0.1');
  // The officer key belongs to an officer of the factories' default district ('north').
  const officer = responderRow({ name: 'PC Test', district: 'north' });
  await server.core.repos.officers.insert(officer);
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'operator', 'officer', 'analyst'] as const)
    keys[role] = (await server.createKey(role, `test ${role}`, role === 'officer' ? officer.id : undefined)).key;
  const url = listening.url;
  return {
    server,
    cfg,
    url,
    redisUrl,
    prefix,
    keys,
    officerId: officer.id,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const key = o.key === undefined ? keys.admin : o.key;
      if (key) headers.authorization = `Bearer ${key}`;
      let body = o.body;
      if (o.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(o.json);
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      // biome-ignore lint/suspicious/noExplicitAny: as in ApiFixture.call
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async close() {
      await listening.close();
      await server.close();
      await pg?.drop();
      await cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
