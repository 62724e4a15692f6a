import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import type { Config } from '../pipeline/config/index.js';
import { QUEUE } from '../pipeline/queues.js';
import { redactUrl, type Logger } from '../runtime/logger.js';
import { registry, watchQueueDepths } from '../runtime/metrics.js';
import { openQueue } from '../runtime/queues.js';
import { producerConnection, workerConnection } from '../runtime/redis.js';
import { watchRedis } from '../runtime/redis-health.js';
import { adminRoutes, BOARD_COOKIE, BOARD_PATH } from './controllers/admin.controller.js';
import { alertRoutes } from './controllers/alerts.controller.js';
import { evidenceRoutes } from './controllers/evidence.controller.js';
import { cameraRoutes } from './controllers/cameras.controller.js';
import { caseRoutes } from './controllers/cases.controller.js';
import { officerRoutes } from './controllers/officers.controller.js';
import { perpetratorRoutes } from './controllers/perpetrators.controller.js';
import { replayRoutes } from './controllers/replays.controller.js';
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
import { HttpProblem } from '../runtime/problem.js';
import type { Actor } from '../audit/audit-context.js';
import { mountRoutes, openApiDocument, type Gatekeeper, type RouteDef } from './http/route.js';
import { type CreatedKey, hashSecret } from './services/auth.service.js';
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

/** One cookie of the request (no cookie-parser: this is the only cookie the API reads). */
const cookieValue = (req: Request, name: string) => {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
};

const bearer = (req: Request) => {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1] ?? null;
};

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
  const gate: Gatekeeper = {
    redisUp: () => core.repos.pipeline.up,
    async authenticate(req, def) {
      if (def.roles === 'public') return null;
      let actor: Actor | null = null;
      const ticket = def.ticket && typeof req.query.ticket === 'string' ? req.query.ticket : null;
      const secret = bearer(req);
      if (secret) actor = await core.services.auth.actorFor(secret, def.sosToken === true);
      else if (ticket) actor = await core.services.auth.actorForTicket(ticket, def.ticket);
      if (!actor) {
        // Counted only once the secret failed: a valid key is never refused for someone else's failures.
        const presented = secret ?? ticket;
        const wait = await limiter.failed(req.ip ?? null, presented ? hashSecret(presented) : null);
        if (wait) {
          apiMetrics.authFailures.inc({ status: '429' });
          req.res?.set('retry-after', String(wait.retryAfterSec));
          throw new HttpProblem(
            429,
            'Too Many Requests',
            `too many failed authentications from this address or with this key; retry in ${wait.retryAfterSec} s (valid keys are not affected)`,
          );
        }
        apiMetrics.authFailures.inc({ status: '401' });
        req.res?.set('www-authenticate', 'Bearer');
        throw new HttpProblem(
          401,
          'Unauthorized',
          secret || ticket
            ? 'the API key is not valid (revoked or mistyped)'
            : 'send an API key: Authorization: Bearer <key>',
        );
      }
      const allowed = actor.kind === 'sos' ? def.sosToken === true : def.roles.includes(actor.role);
      if (!allowed) {
        apiMetrics.authFailures.inc({ status: '403' });
        const who = actor.kind === 'sos' ? 'an SOS token' : `role '${actor.role}'`;
        throw new HttpProblem(
          403,
          'Forbidden',
          `${who} may not ${def.method.toUpperCase()} ${def.path}; allowed roles: ${def.roles.join(', ')}`,
        );
      }
      return actor;
    },
  };

  const ready = async () => {
    const [database, redis] = await Promise.all([databaseReachable(db.db), core.repos.pipeline.ping()]);
    const reasons: Record<string, string> = {};
    if (!database) reasons.database = `${db.location}: does not answer`;
    if (!redis) reasons.redis = `${redactUrl(opts.redisUrl)}: ${redisError}`;
    return { checks: { database, redis }, reasons };
  };

  const replayQueue = openQueue(QUEUE.replays, { cfg, connection: producer });
  replayQueue.queue.on('error', () => {});
  const replays = new ReplayService({
    cfg,
    log,
    redis: producer,
    queue: replayQueue,
    repos: core.repos,
    embedderId: core.embedderId,
  });
  const replayEvents = watchRedis(workerConnection(opts.redisUrl), log);
  replays.recorder.start(replayEvents);
  const routes: RouteDef[] = [
    ...perpetratorRoutes(core),
    ...caseRoutes(core),
    ...cameraRoutes(core),
    ...officerRoutes(core),
    ...alertRoutes(core, hub),
    ...evidenceRoutes(core),
    ...adminRoutes(core, hub),
    ...replayRoutes(replays),
    ...reportRoutes(core),
  ];
  // bull-board is mounted on its own (below); listed here so the document and the route x role test cover it.
  const boardRoute: RouteDef = {
    method: 'get',
    path: BOARD_PATH,
    roles: ['admin'],
    tag: 'admin',
    summary: 'The queue board (bull-board): an HTML page, and its JSON API under /admin/queues/api',
    description:
      'Admins only: an admin key in the Authorization header, or the cookie POST /v1/admin/queues/session sets. ' +
      'Writes through the board (retry, clean, pause) are audited.',
    responses: { 200: { description: 'the board page', contentType: 'text/html', schema: z.string() } },
    handler: () => undefined,
  };
  const document = (): ReturnType<typeof openApiDocument> =>
    openApiDocument([...allRoutes, boardRoute], {
      title: 'watchpost alert API',
      version: '1',
      description:
        'Protection cases, perpetrators, cameras, officers on duty and alerts. Authenticate with ' +
        '`Authorization: Bearer <key>`. Errors are RFC 9457 problem+json. Webhooks: POST with headers ' +
        'X-Watchpost-Event, X-Watchpost-Delivery, X-Watchpost-Timestamp (unix s) and X-Watchpost-Signature: ' +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows how a webhook signature is formed
        'sha256=HMAC-SHA256(secret, `${timestamp}.${body}`).',
    });
  let openapi: ReturnType<typeof openApiDocument> | null = null;
  const allRoutes: RouteDef[] = [
    ...routes,
    ...systemRoutes({ ready, openapi: () => (openapi ??= document()), metrics: registry }),
  ];

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

  const router = express.Router();
  const handlers = mountRoutes(router, allRoutes, gate, cfg.api.jsonLimit);
  app.use(router);

  // Queue inspection for admins (bull-board): an admin key in the Authorization header, or
  // the cookie POST /v1/admin/queues/session sets for a browser tab.
  const boardQueues = [QUEUE.alerts, QUEUE.webhooks, QUEUE.escalations, QUEUE.identify, QUEUE.replays].map(
    (k) => openQueue(k, { cfg, connection: producer }).queue,
  );
  for (const q of boardQueues) q.on('error', () => {});
  const unwatch = watchQueueDepths(boardQueues);
  const board = new ExpressAdapter();
  board.setBasePath(BOARD_PATH);
  createBullBoard({ queues: boardQueues.map((q) => new BullMQAdapter(q)), serverAdapter: board });
  const boardActor = async (req: Request) => {
    const session = bearer(req) ? null : cookieValue(req, BOARD_COOKIE);
    const actor = session ? await core.services.auth.actorForTicket(session, 'board') : null;
    return actor?.kind === 'key' && actor.role === 'admin' ? actor : gate.authenticate(req, boardRoute);
  };
  app.use(
    BOARD_PATH,
    (req, _res, next) => void boardActor(req).then(() => next(), next),
    board.getRouter() as express.Router,
  );

  const webDist = opts.webDist === undefined ? join(here, 'web', 'dist') : opts.webDist;
  if (webDist && existsSync(join(webDist, 'index.html'))) {
    app.use(
      express.static(webDist, {
        index: 'index.html',
        setHeaders: (res, path) => res.setHeader('cache-control', webCacheControl(path)),
      }),
    );
    app.get(/^\/(?!v1\/|admin\/|healthz|readyz|metrics).*/, (_req, res) =>
      res.sendFile(join(webDist, 'index.html'), { headers: { 'cache-control': webCacheControl('index.html') } }),
    );
  }
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
    async listen(port, host = cfg.api.host) {
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
    },
    close() {
      closed ??= (async () => {
        await hub.close();
        limiter.close();
        await Promise.all([...servers].map(closeServer));
        await handlers.drain(10_000);
        await worker?.close();
        await core.services.watchlist.stop();
        await replays.recorder.close();
        await settleWithin(replayQueue.close(), 3000);
        replayEvents.disconnect();
        unwatch();
        await settleWithin(Promise.all(boardQueues.map((q) => q.close())), 3000);
        await outbox.close();
        subscriber.disconnect();
        producer.disconnect();
        if (!opts.database) await db.close();
      })();
      return closed;
    },
  };
}

/**
 * The page must be revalidated on every load (after a rebuild it names new bundles, and an
 * old copy would point at deleted ones); vite's content-hashed assets never change.
 */
export function webCacheControl(path: string): string {
  if (path.endsWith('.html')) return 'no-cache';
  if (/[\\/]assets[\\/]/.test(path)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=3600';
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
