import type { Registry } from 'prom-client';
import { z } from 'zod';
import { defineRoute, type RouteDef } from '../http/route.js';
import { scrubServerPaths } from '../http/error-handler.js';
import { HttpProblem } from '../../runtime/problem.js';
import { ROLES } from '../../audit/audit-context.js';

const tag = 'system';
const scrub = (r: Record<string, string>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, scrubServerPaths(v)]));
const meSchema = z
  .object({ id: z.string().describe('API key id'), name: z.string(), role: z.enum(ROLES) })
  .meta({ id: 'Me' });
const readySchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: z.boolean(), redis: z.boolean() }),
    reasons: z
      .record(z.string(), z.string())
      .optional()
      .describe('for each service that does not answer: its address (credentials hidden) and the last error'),
  })
  .meta({ id: 'Readiness' });

export function systemRoutes(d: {
  ready: () => Promise<{ checks: { database: boolean; redis: boolean }; reasons: Record<string, string> }>;
  openapi: () => unknown;
  metrics: Registry;
}): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      roles: 'public',
      tag,
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
      handler: () => ({ status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      roles: 'public',
      tag,
      summary: 'Readiness: database and Redis reachable',
      responses: {
        200: { description: 'ready', schema: readySchema },
        503: { description: 'not ready', schema: readySchema },
      },
      handler: async ({ res }) => {
        const { checks, reasons } = await d.ready();
        const ok = checks.database && checks.redis;
        res
          .status(ok ? 200 : 503)
          .json({ status: ok ? 'ready' : 'not_ready', checks, ...(ok ? {} : { reasons: scrub(reasons) }) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      roles: 'public',
      tag,
      summary: 'Prometheus metrics',
      responses: { 200: { description: 'text exposition format', contentType: 'text/plain', schema: z.string() } },
      handler: async ({ res }) => {
        res
          .status(200)
          .type(d.metrics.contentType)
          .send(await d.metrics.metrics());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/me',
      roles: ROLES,
      tag,
      summary: 'The API key making the request: its id, name and role',
      description: 'Clients read their role here instead of guessing it from refusals.',
      responses: { 200: { description: 'the caller', schema: meSchema } },
      handler: ({ actor }) => {
        if (actor.kind !== 'key')
          throw new HttpProblem(403, 'Forbidden', 'an SOS token only raises SOS; it has no profile');
        return { id: actor.keyId, name: actor.name, role: actor.role };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/openapi.json',
      roles: 'public',
      tag,
      summary: 'This API, as an OpenAPI 3.1 document',
      responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } },
      handler: ({ res }) => {
        res.status(200).json(d.openapi());
      },
    }),
  ];
}
