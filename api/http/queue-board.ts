import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type express from 'express';
import type { Express, Request } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AuditService } from '../../audit/audit.service.js';
import type { Config } from '../../pipeline/config/index.js';
import type { Logger } from '../../runtime/logger.js';
import { QUEUE } from '../../pipeline/queues.js';
import { watchQueueDepths } from '../../runtime/metrics.js';
import { openQueue } from '../../runtime/queues.js';
import { settleWithin } from '../../runtime/settle-within.js';
import { BOARD_COOKIE, BOARD_PATH } from '../controllers/admin.controller.js';
import type { AuthService } from '../services/auth.service.js';
import { auditedBoard } from './access-audit.js';
import { bearer, cookieValue } from './gatekeeper.js';
import type { Gatekeeper, RouteDef } from './route.js';

/** bull-board is mounted on its own; this entry lets the OpenAPI document and the route x role test cover it. */
export const boardRoute: RouteDef = {
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

/**
 * Queue inspection for admins (bull-board): an admin key in the Authorization header, or the cookie
 * POST /v1/admin/queues/session sets for a browser tab. Also feeds the queue-depth metrics.
 * Returns what closes its queues.
 */
export function mountQueueBoard(
  app: Express,
  deps: {
    cfg: Config;
    log: Logger;
    connection: Redis;
    services: { auth: AuthService; audit: AuditService };
    gate: Gatekeeper;
  },
): { close(): Promise<void> } {
  const { cfg, connection, gate } = deps;
  const { auth, audit } = deps.services;
  const queues = [QUEUE.alerts, QUEUE.webhooks, QUEUE.escalations, QUEUE.identify, QUEUE.replays, QUEUE.retention].map(
    (k) => openQueue(k, { cfg, connection }).queue,
  );
  for (const q of queues) q.on('error', () => {});
  const unwatch = watchQueueDepths(queues);
  const board = new ExpressAdapter();
  board.setBasePath(BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: board });
  const boardActor = async (req: Request) => {
    const session = bearer(req) ? null : cookieValue(req, BOARD_COOKIE);
    const actor = session ? await auth.actorForTicket(session, 'board') : null;
    return actor?.kind === 'key' && actor.role === 'admin' ? actor : gate.authenticate(req, boardRoute);
  };
  app.use(
    BOARD_PATH,
    auditedBoard(audit, deps.log, boardRoute, boardActor, gate.refused ?? (async () => {})),
    board.getRouter() as express.Router,
  );
  return {
    async close() {
      unwatch();
      await settleWithin(Promise.all(queues.map((q) => q.close())), 3000);
    },
  };
}
