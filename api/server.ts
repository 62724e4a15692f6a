import { once } from 'node:events';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import helmet from 'helmet';
import type { Config } from '../pipeline/config/index.js';
import { QUEUE } from '../pipeline/queues.js';
import { redactUrl, type Logger } from '../runtime/logger.js';
import { registry } from '../runtime/metrics.js';
import { openQueue } from '../runtime/queues.js';
import { producerConnection, workerConnection } from '../runtime/redis.js';
import { watchRedis } from '../runtime/redis-health.js';
import { adminRoutes } from './controllers/admin.controller.js';
import { alertRoutes } from './controllers/alerts.controller.js';
import { evidenceRoutes } from './controllers/evidence.controller.js';
import { cameraRoutes } from './controllers/cameras.controller.js';
import { caseRoutes } from './controllers/cases.controller.js';
import { officerRoutes } from './controllers/officers.controller.js';
import { perpetratorRoutes } from './controllers/perpetrators.controller.js';
import { replayRoutes } from './controllers/replays.controller.js';
import { retentionApi } from './controllers/retention.controller.js';
import { reportRoutes } from './controllers/reports.controller.js';
import { systemRoutes } from './controllers/system.controller.js';
import type { SharedAlerting } from '../alerting/alerting.js';
import { createCore, type Core } from './core.js';
import { databaseReachable, openDatabase, type OpenDatabase } from '../storage/database/database.js';
import { QueueOutbox } from '../alerting/delivery/alert-outbox.js';
import { AlertStreamHub } from './http/alert-stream.js';
import { settleWithin } from '../runtime/settle-within.js';
import { apiMetrics, requestTimer } from './http/api-metrics.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { mountRoutes, openApiDocument, type RouteDef } from './http/route.js';
import { createGatekeeper } from './http/gatekeeper.js';
import { boardRoute, mountQueueBoard } from './http/queue-board.js';
import { serveWebPage } from './http/web-page.js';
import type { CreatedKey } from './services/auth.service.js';
import { AuthFailureLimiter, type AuthFailureLimits, DEFAULT_AUTH_FAILURE_LIMITS } from './http/auth-limiter.js';
import type { FaceEnroller } from './services/face-enroller.js';
import { ReplayService } from './services/replay.service.js';

export interface ApiServerOptions {
  cfg: Config;
  log: Logger;
  redisUrl: string;
  /** An open database to use; otherwise one is opened from cfg (and closed with the server). */
  database?: OpenDatabase;
  /**
   * Hosts the alerts worker in this process (`watchpost api`, the demo, tests): it is started with this
   * server's database and alert services, so the process builds them once.
   */
  alertsWorker?: (shared: SharedAlerting) => Promise<{ close(): Promise<void> }>;
  /** Failed authentications per address and per presented secret before a short back-off (429). */
  authFailures?: Partial<AuthFailureLimits>;
  /** Folder of the built dashboard; default api/web/dist when it exists. */
  webDist?: string | null;
  /** Face chain override (default: models/index.ts, loaded on first enrolment). */
  faceEnroller?: () => Promise<FaceEnroller>;
  /** How often protection-window boundaries are re-checked and the watchlist republished if it changed. */
  watchlistTickMs?: number;
}

export interface ApiServer {
  app: Express;
  db: OpenDatabase;
  core: Core;
  routes: RouteDef[];
  hub: AlertStreamHub;
  listen(port: number, host?: string): Promise<{ url: string; port: number; close(): Promise<void> }>;
  /** Creates an API key programmatically (tests, demo); the key is in the result, shown once. */
  createKey(role: string, name: string, officerId?: string): Promise<CreatedKey>;
  /** Stops the alerts worker, SSE, timers, Redis connections and (if owned) the database. */
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The OpenAPI document of every route, built on first request. */
function apiDocument(routes: RouteDef[]): ReturnType<typeof openApiDocument> {
  return openApiDocument(routes, {
    title: 'watchpost alert API',
    version: '1',
    description:
      'Protection cases, perpetrators, cameras, officers on duty and alerts. Authenticate with ' +
      '`Authorization: Bearer <key>`. Errors are RFC 9457 problem+json. Webhooks: POST with headers ' +
      'X-Watchpost-Event, X-Watchpost-Delivery, X-Watchpost-Timestamp (unix s) and X-Watchpost-Signature: ' +
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows how a webhook signature is formed
      'sha256=HMAC-SHA256(secret, `${timestamp}.${body}`).',
  });
}

/** Express with the security headers and request timing every response gets. */
function baseApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  // upgrade-insecure-requests would send an officer's phone on http://10.x:8080 to https that does not exist:
  // only requests that arrived over TLS (directly or through a trusted proxy) get it.
  const overTls = helmet();
  const plainHttp = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  app.use((req, res, next) => (req.secure ? overTls : plainHttp)(req, res, next));
  app.use(requestTimer);
  return app;
}

/** The replay service on the replays queue, recording the workers' progress events as they come. */
function startReplays(opts: ApiServerOptions, core: Core, producer: Redis) {
  const { cfg, log } = opts;
  const queue = openQueue(QUEUE.replays, { cfg, connection: producer });
  queue.queue.on('error', () => {});
  const replays = new ReplayService({
    cfg,
    log,
    redis: producer,
    queue,
    repos: core.repos,
    embedderId: core.embedderId,
  });
  const events = watchRedis(workerConnection(opts.redisUrl), log);
  replays.recorder.start(events);
  return {
    replays,
    async close() {
      await replays.recorder.close();
      await settleWithin(queue.close(), 3000);
      events.disconnect();
    },
  };
}

/**
 * The alert API: express app with every route from the controllers, auth by
 * hashed API keys and roles, problem+json errors, OpenAPI, SSE, health and
 * metrics, bull-board for admins; optionally the alerts worker in-process.
 */
export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { cfg, log } = opts;
  const db = opts.database ?? (await openDatabase(cfg));
  const producer = watchRedis(producerConnection(opts.redisUrl), log);
  let redisError = 'no answer';
  producer.on('error', (err: Error) => (redisError = err.message || (err as { code?: string }).code || 'error'));
  const subscriber = watchRedis(workerConnection(opts.redisUrl), log);
  const outbox = new QueueOutbox(cfg, producer);
  let hub: AlertStreamHub;
  const core = createCore({
    cfg,
    log,
    db: db.db,
    redis: producer,
    outbox,
    faceEnroller: opts.faceEnroller,
    journalGrew: (seq) => {
      hub.notify();
      if (seq > 0) core.repos.pipeline.notifyAlerts(seq).catch(() => {});
    },
  });
  hub = new AlertStreamHub(core.repos.alerts, log, { activeKeys: (ids) => core.repos.keys.activeAmong(ids) });
  await hub.start(subscriber, core.repos.pipeline.keys.alertsChanged);
  // Let the connection open before the first request (writes need it); with Redis down the API starts anyway.
  if (producer.status !== 'ready') await settleWithin(once(producer, 'ready'), 3000);
  core.services.watchlist.start(opts.watchlistTickMs);

  const worker = opts.alertsWorker
    ? await opts.alertsWorker({
        database: db,
        repos: core.repos,
        alerting: core.alerting,
        onOutcome: (o) => apiMetrics.alertEvents.inc({ outcome: o.outcome }),
      })
    : null;

  const limiter = new AuthFailureLimiter({ ...DEFAULT_AUTH_FAILURE_LIMITS, ...opts.authFailures });
  const gate = createGatekeeper(core.services, limiter, () => core.repos.pipeline.up, log);

  const ready = readiness(db, core, opts.redisUrl, () => redisError);

  const replays = startReplays(opts, core, producer);
  const retention = retentionApi(core, producer);
  let openapi: ReturnType<typeof openApiDocument> | null = null;
  const allRoutes: RouteDef[] = [
    ...perpetratorRoutes(core),
    ...caseRoutes(core),
    ...cameraRoutes(core),
    ...officerRoutes(core),
    ...alertRoutes(core, hub),
    ...evidenceRoutes(core),
    ...adminRoutes(core, hub),
    ...replayRoutes(replays.replays),
    ...reportRoutes(core),
    ...retention.routes,
    ...systemRoutes({ ready, openapi: () => (openapi ??= apiDocument([...allRoutes, boardRoute])), metrics: registry }),
  ];

  const app = baseApp();
  const router = express.Router();
  const handlers = mountRoutes(router, allRoutes, gate, cfg.api.jsonLimit);
  app.use(router);
  const board = mountQueueBoard(app, { cfg, log, connection: producer, services: core.services, gate });
  serveWebPage(app, opts.webDist === undefined ? join(here, 'web', 'dist') : opts.webDist);
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  const servers = new Set<Server>();
  let closed: Promise<void> | null = null;
  return {
    app,
    db,
    core,
    routes: [...allRoutes, boardRoute],
    hub,
    createKey: (role, name, officerId) => core.services.auth.createKey(role, name, null, officerId ?? null),
    listen: (port, host = cfg.api.host) => listen(app, servers, port, host),
    close() {
      closed ??= (async () => {
        await hub.close();
        limiter.close();
        await Promise.all([...servers].map(closeServer));
        await handlers.drain(10_000);
        await worker?.close();
        await core.services.watchlist.stop();
        await replays.close();
        await retention.close();
        await board.close();
        await outbox.close();
        subscriber.disconnect();
        producer.disconnect();
        if (!opts.database) await db.close();
      })();
      return closed;
    },
  };
}

/** What /readyz reports: whether the database and Redis answer, and why not. */
function readiness(db: OpenDatabase, core: Core, redisUrl: string, redisError: () => string) {
  return async () => {
    const [database, redis] = await Promise.all([databaseReachable(db.db), core.repos.pipeline.ping()]);
    const reasons: Record<string, string> = {};
    if (!database) reasons.database = `${db.location}: does not answer`;
    if (!redis) reasons.redis = `${redactUrl(redisUrl)}: ${redisError()}`;
    return { checks: { database, redis }, reasons };
  };
}

/** Listens on `port` (0: any free one) and says where; its close waits for requests in flight. */
async function listen(app: Express, servers: Set<Server>, port: number, host: string) {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  // SSE connections stay open: no request timeout, and keep-alive sockets close on shutdown.
  server.requestTimeout = 0;
  servers.add(server);
  const actual = (server.address() as { port: number }).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${actual}`,
    port: actual,
    close: () => closeServer(server).then(() => void servers.delete(server)),
  };
}

/** Stops accepting, lets requests in flight finish (their handlers still need the database), then cuts what is left. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
