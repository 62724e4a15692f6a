import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor, AuditContext } from '../../audit/audit-context.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { Logger } from '../../runtime/logger.js';
import { HttpProblem } from '../../runtime/problem.js';
import type { Gatekeeper, RouteDef } from './route.js';

/** How long one entry stands for a live view a screen keeps polling. */
const VIEWING_MS = 60_000;

const callerOf = (req: Request, actor: Actor | null) =>
  actor ? { actor, address: req.ip ?? null } : { name: 'anonymous', address: req.ip ?? null };

/** What the refused caller presented (never the secret itself). */
const presented = (req: Request) =>
  req.get('authorization')
    ? 'key'
    : typeof req.query.ticket === 'string'
      ? 'ticket'
      : req.get('cookie')
        ? 'cookie'
        : 'nothing';

/**
 * The router's part of the audit: routes that declare `audit`, live views once per key, target and
 * minute (the camera wall polls a frame every few seconds), and every refused attempt (401, 403).
 */
export function accessAudit(audit: AuditService, log: Logger): Required<Pick<Gatekeeper, 'audited' | 'refused'>> {
  const lastViewed = new Map<string, number>();
  const viewedRecently = (key: string, now: number) => {
    if (now - (lastViewed.get(key) ?? -Infinity) < VIEWING_MS) return true;
    lastViewed.set(key, now);
    if (lastViewed.size > 10_000) for (const [k, t] of lastViewed) if (now - t >= VIEWING_MS) lastViewed.delete(k);
    return false;
  };
  return {
    async audited(ctx: AuditContext, def: RouteDef, targetId: string | null, query: unknown) {
      const a = def.audit!;
      const who = ctx.actor.kind === 'key' ? ctx.actor.keyId : ctx.actor.caseId;
      if (a.viewing && viewedRecently(`${who} ${a.action} ${targetId}`, Date.now())) return;
      const filters = a.query && query && typeof query === 'object' ? { query: withoutSecrets(query) } : {};
      const detail = { ...filters, ...(a.viewing ? { viewingFor: '1 minute' } : {}) };
      await audit.record(
        ctx,
        a.action,
        { type: a.target, id: targetId },
        Object.keys(detail).length ? detail : undefined,
      );
    },
    async refused(req: Request, def: RouteDef, problem: HttpProblem, actor: Actor | null) {
      await audit
        .record(
          callerOf(req, actor),
          'access.denied',
          { type: 'route', id: `${def.method.toUpperCase()} ${def.path}` },
          { outcome: 'denied', status: problem.status, path: req.path, presented: presented(req) },
        )
        .catch((err: Error) => log.error({ err: err.message }, 'audit: recording a refused request failed'));
    },
  };
}

const withoutSecrets = (q: object) =>
  Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'ticket' && v !== undefined));

/**
 * bull-board's own routes: who opened it is checked by `actorOf`; every write through it (retry,
 * clean, pause, remove: PUT, POST, DELETE) is recorded once answered, with its status, and a refusal like any other.
 */
export function auditedBoard(
  audit: AuditService,
  log: Logger,
  route: RouteDef,
  actorOf: (req: Request) => Promise<Actor | null>,
  refused: Gatekeeper['refused'] & {},
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    void actorOf(req).then(
      (actor) => {
        if (actor && req.method !== 'GET' && req.method !== 'HEAD')
          res.on('finish', () => {
            const outcome = res.statusCode < 400 ? 'ok' : 'failed';
            void audit
              .record(
                callerOf(req, actor),
                'queues.write',
                { type: 'queue', id: queueOf(req.path) },
                {
                  outcome,
                  method: req.method,
                  path: req.path,
                  status: res.statusCode,
                },
              )
              .catch((err: Error) => log.error({ err: err.message }, 'audit: recording a queue-board write failed'));
          });
        next();
      },
      async (err: unknown) => {
        if (err instanceof HttpProblem && (err.status === 401 || err.status === 403))
          await refused(req, route, err, (err as { actor?: Actor }).actor ?? null);
        next(err);
      },
    );
}

/** `/api/queues/identify/clean/completed` → `identify` (null for board-wide calls). */
const queueOf = (path: string) => /^\/api\/queues\/([^/]+)/.exec(path)?.[1] ?? null;
