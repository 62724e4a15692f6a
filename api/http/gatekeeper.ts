import type { Request } from 'express';
import type { Actor } from '../../audit/audit-context.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { Logger } from '../../runtime/logger.js';
import { HttpProblem } from '../../runtime/problem.js';
import { type AuthService, hashSecret } from '../services/auth.service.js';
import { accessAudit } from './access-audit.js';
import { apiMetrics } from './api-metrics.js';
import type { AuthFailureLimiter } from './auth-limiter.js';
import { type Gatekeeper, RoleForbidden, type RouteDef } from './route.js';

/** The secret of `Authorization: Bearer <key>`, or null. */
export const bearer = (req: Request): string | null => {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1] ?? null;
};

/** One cookie of the request (no cookie-parser: the queue board's session is the only cookie the API reads). */
export const cookieValue = (req: Request, name: string): string | null => {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
};

/**
 * Who a request is, from its API key (or a route's ticket), and whether the route lets them in:
 * 401 without a valid key, 429 once an address or a key has failed too often, 403 for a role the route does not allow.
 */
export function createGatekeeper(
  { auth, audit }: { auth: AuthService; audit: AuditService },
  limiter: AuthFailureLimiter,
  redisUp: () => boolean,
  log: Logger,
): Gatekeeper {
  /** A request that presented no valid key: counted (429 past the limits), else 401. */
  const refuse = async (req: Request, secret: string | null, ticket: string | null): Promise<never> => {
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
  };
  return {
    ...accessAudit(audit, log),
    redisUp,
    async authenticate(req: Request, def: RouteDef) {
      if (def.roles === 'public') return null;
      let actor: Actor | null = null;
      const ticket = def.ticket && typeof req.query.ticket === 'string' ? req.query.ticket : null;
      const secret = bearer(req);
      if (secret) actor = await auth.actorFor(secret, def.sosToken === true);
      else if (ticket) actor = await auth.actorForTicket(ticket, def.ticket);
      if (!actor) return refuse(req, secret, ticket);
      const allowed = actor.kind === 'sos' ? def.sosToken === true : def.roles.includes(actor.role);
      if (!allowed) {
        apiMetrics.authFailures.inc({ status: '403' });
        const who = actor.kind === 'sos' ? 'an SOS token' : `role '${actor.role}'`;
        throw new RoleForbidden(
          actor,
          `${who} may not ${def.method.toUpperCase()} ${def.path}; allowed roles: ${def.roles.join(', ')}`,
        );
      }
      return actor;
    },
  };
}
