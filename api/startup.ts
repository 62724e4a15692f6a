import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import express from 'express';
import { scrubServerPaths } from './http/error-handler.js';
import { redactUrl } from '../runtime/logger.js';
import { producerConnection } from '../runtime/redis.js';
import { settleWithin } from '../runtime/settle-within.js';
import { openDatabase, type OpenDatabase } from '../storage/database/database.js';
import type { ApiServer, ApiServerOptions } from './server.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** What is missing while the API waits for its services, shown by /readyz. */
export interface StartupState {
  database: { up: boolean; address: string; reason: string | null };
  redis: { up: boolean; address: string; reason: string | null };
}

const RETRY_MS = 2000;
/** A connection attempt that neither succeeds nor fails is reported after this long (the brief: within 5 s). */
const SLOW_MS = 4000;

/**
 * Starts the API so that missing services are visible instead of silent: it listens at
 * once, answers /readyz with 503 and the reason (the address, credentials hidden) and
 * everything else with 503, logs each unreachable service within seconds, and keeps
 * trying; when the database and Redis answer it becomes the full API by itself.
 */
export async function serveApi(
  opts: ApiServerOptions & { port: number; host: string },
): Promise<{ url: string; server: Server; state: StartupState; api(): ApiServer | null; close(): Promise<void> }> {
  const { cfg, log } = opts;
  const state: StartupState = {
    database: {
      up: false,
      address: cfg.databaseUrl ? redactUrl(cfg.databaseUrl) : resolve(cfg.dataDir, 'watchpost.db'),
      reason: 'connecting',
    },
    redis: { up: false, address: redactUrl(opts.redisUrl), reason: 'connecting' },
  };
  let handler: Handler = waitingApp(state);
  const http = createServer((req, res) => handler(req, res));
  // SSE connections stay open: no request timeout (as ApiServer.listen does).
  http.requestTimeout = 0;
  await new Promise<void>((ok, fail) => http.once('error', fail).listen(opts.port, opts.host, ok));
  const port = (http.address() as { port: number }).port;
  const shown = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${port}`;

  let stopped = false;
  let api: ApiServer | null = null;
  let db: OpenDatabase | null = null;
  const report = (name: keyof StartupState, up: boolean, reason: string | null) => {
    const s = state[name];
    if (!up && reason !== s.reason)
      log.error({ [name]: s.address, reason }, `${name} at ${s.address} is unreachable: ${reason}; retrying`);
    else if (up && !s.up && s.reason !== 'connecting')
      log.info({ [name]: s.address }, `${name} at ${s.address} answers`);
    Object.assign(s, { up, reason: up ? null : reason });
  };

  // Redis: a fail-fast connection of its own, pinged until the full API takes over.
  const probe = producerConnection(opts.redisUrl, { connectTimeout: SLOW_MS });
  let lastRedisError: string | null = null;
  probe.on('error', (err: Error) => (lastRedisError = errorText(err)));
  const redisStart = Date.now();
  const pingRedis = async () => {
    try {
      await probe.ping();
      report('redis', true, null);
    } catch (err) {
      if (lastRedisError || Date.now() - redisStart > SLOW_MS) report('redis', false, lastRedisError ?? errorText(err));
    }
  };
  const redisTimer = setInterval(() => void pingRedis(), 1000);
  void pingRedis();

  const started = (async () => {
    while (!stopped && !db) {
      const attempt = openDatabase(cfg);
      const slow = setTimeout(() => report('database', false, `no answer after ${SLOW_MS / 1000} s`), SLOW_MS);
      try {
        db = await attempt;
        report('database', true, null);
      } catch (err) {
        report('database', false, errorText(err));
        await new Promise((r) => setTimeout(r, RETRY_MS));
      } finally {
        clearTimeout(slow);
      }
    }
    if (stopped || !db) return;
    const { createApiServer } = await import('./server.js');
    api = await createApiServer({ ...opts, database: db });
    if (stopped) return;
    clearInterval(redisTimer);
    probe.disconnect();
    handler = api.app;
    log.info({ listen: url, db: db.location }, `watchpost API ready on ${url}`);
  })().catch((err: unknown) => log.error({ err }, 'the API could not start'));

  return {
    url,
    server: http,
    state,
    api: () => api,
    async close() {
      stopped = true;
      clearInterval(redisTimer);
      probe.disconnect();
      await new Promise<void>((done) => {
        const force = setTimeout(() => http.closeAllConnections(), 5000);
        http.close(() => {
          clearTimeout(force);
          done();
        });
        http.closeIdleConnections();
      });
      // A start-up still waiting for Redis is abandoned; one that finished is shut down in order.
      await settleWithin(started, 1000);
      await api?.close();
      await db?.close();
    },
  };
}

/** Error text without credentials (a driver may quote the URL it was given). */
const errorText = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return redactUrl(String(e.message || e.code || err)).replace(/\/\/[^@/\s]*@/g, '//***@');
};

/** Answers while the services are missing: liveness yes, readiness no (with why), nothing else. */
function waitingApp(state: StartupState): Handler {
  const app = express();
  app.disable('x-powered-by');
  const reasons = () =>
    Object.fromEntries(
      Object.entries(state)
        .filter(([, s]) => !s.up)
        .map(([name, s]) => [name, scrubServerPaths(`${s.address}: ${s.reason}`)]),
    );
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get(
    '/readyz',
    (_req, res) =>
      void res.status(503).json({
        status: 'not_ready',
        checks: { database: state.database.up, redis: state.redis.up },
        reasons: reasons(),
      }),
  );
  app.use((_req, res) => {
    res
      .status(503)
      .set('retry-after', '5')
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          status: 503,
          title: 'Service Unavailable',
          detail: `the API is starting and waits for ${Object.keys(reasons()).join(' and ') || 'its routes'}; see /readyz`,
        }),
      );
  });
  return app;
}
