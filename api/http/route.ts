import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { HttpProblem, RedisUnavailableError } from '../../runtime/problem.js';
import type { Actor, AuditContext, Role } from '../../audit/audit-context.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Null only on public routes. */
  actor: Actor;
  /** Who acts and from where, for services (they never see the request). */
  audit: AuditContext;
  req: Request;
  res: Response;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

/**
 * One route: its policy (roles), its validation (zod) and its documentation in
 * one place. The express router, the OpenAPI document and the route x role
 * test are all generated from the same list.
 */
// biome-ignore lint/suspicious/noExplicitAny: lists hold routes of different shapes; each is typed where it is defined
export interface RouteDef<P = any, Q = any, B = any> {
  method: Method;
  /** Express style: /v1/cases/:id */
  path: string;
  /** Roles allowed; 'public' needs no key. */
  roles: readonly Role[] | 'public';
  /** Also accept a case's SOS token (for the victim's panic button). */
  sosToken?: boolean;
  /**
   * Also accept `?ticket=` of this purpose, for browser elements that cannot send the
   * Authorization header (EventSource: 'stream'; `<video>`, `<track>`: 'media').
   */
  ticket?: 'stream' | 'media';
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Raw binary body (image upload) of at most this many bytes, instead of JSON. */
  rawBody?: { limitBytes: number; contentTypes: string[] };
  /** Status of a successful answer; the handler's return value is its JSON body (204: none). */
  status?: number;
  responses: Record<number, ResponseDoc>;
  /** Writes that need Redis (answer 503 while it is down). */
  needsRedis?: boolean;
  /** Recorded in the audit trail once the handler succeeded (routes whose services do not record it themselves). */
  audit?: RouteAudit;
  handler(ctx: RouteContext<P, Q, B>): Promise<unknown> | unknown;
}

export interface RouteAudit {
  action: string;
  /** The target's type; its id is the `:id` path parameter when the route has one. */
  target: string;
  /** A live view a screen polls (frames, detections): one entry per key, target and minute, not per request. */
  viewing?: boolean;
  /** Keep the query's filters in the entry (list reads). */
  query?: boolean;
}

/** 403 for the key's role: carries who was refused, for the audit (the body says only what was refused). */
export class RoleForbidden extends HttpProblem {
  constructor(
    readonly actor: Actor,
    detail: string,
  ) {
    super(403, 'Forbidden', detail);
  }
}

export const defineRoute = <P, Q, B>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> => def;

export const problemSchema = z
  .object({
    type: z.string(),
    status: z.number().int(),
    title: z.string(),
    detail: z.string(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const problem = (description: string): ResponseDoc => ({
  description,
  schema: problemSchema,
  contentType: 'application/problem+json',
});
export const notFoundDoc = (description: string) => problem(description);

export interface Gatekeeper {
  authenticate: (req: Request, def: RouteDef) => Promise<Actor | null>;
  redisUp: () => boolean;
  /** Records a successful request of a route that declares `audit`. */
  audited?: (ctx: AuditContext, def: RouteDef, targetId: string | null, query: unknown) => Promise<void>;
  /** Records a refused attempt (401, 403), with the caller when known; never throws. */
  refused?: (req: Request, def: RouteDef, problem: HttpProblem, actor: Actor | null) => Promise<void>;
}

/**
 * Mounts every route on a router: raw body, authentication, role check, validation,
 * handler. Returns `drain()`, which resolves once no handler is running: a client
 * may hang up while its handler still writes to the database, and shutdown must wait.
 */
export function mountRoutes(
  router: Router,
  routes: RouteDef[],
  gate: Gatekeeper,
  jsonLimit: string,
): { drain(timeoutMs: number): Promise<void> } {
  const json = express.json({ limit: jsonLimit, strict: true });
  let running = 0;
  for (const def of routes) {
    const bodyParser = def.rawBody ? express.raw({ type: () => true, limit: def.rawBody.limitBytes }) : json;
    router[def.method](def.path, async (req, res, next) => {
      running++;
      let actor: Actor | null = null;
      try {
        // Authenticate before reading the body: an anonymous client cannot make us buffer megabytes.
        actor = await gate.authenticate(req, def);
        if (def.body && !def.rawBody && hasBody(req) && !req.is('application/json'))
          throw new HttpProblem(
            415,
            'Unsupported Media Type',
            `send the body as JSON (Content-Type: application/json), not ${req.get('content-type') || 'without a Content-Type'}`,
          );
        await new Promise<void>((resolve, reject) =>
          bodyParser(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
        );
        if (def.needsRedis && !gate.redisUp())
          throw new RedisUnavailableError(`${def.method.toUpperCase()} ${def.path}`);
        const parse = <T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T => {
          if (!schema) return value as T;
          const r = schema.safeParse(value);
          if (!r.success) {
            const errors = r.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message }));
            throw new HttpProblem(400, 'Bad Request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
              errors,
            });
          }
          return r.data;
        };
        const ctx: RouteContext<unknown, unknown, unknown> = {
          params: parse(def.params, req.params, 'params'),
          query: parse(def.query, req.query, 'query'),
          body: def.rawBody ? req.body : parse(def.body, req.body ?? {}, 'body'),
          actor: actor as Actor,
          audit: { actor: actor as Actor, address: req.ip ?? null },
          req,
          res,
        };
        const result = await def.handler(ctx);
        if (def.audit && gate.audited) {
          const id = (ctx.params as { id?: unknown } | undefined)?.id;
          await gate.audited(ctx.audit, def, typeof id === 'string' ? id : null, ctx.query);
        }
        if (res.headersSent) return;
        const status = def.status ?? 200;
        if (status === 204) res.status(204).end();
        else res.status(status).json(result);
      } catch (err) {
        if (err instanceof HttpProblem && (err.status === 401 || err.status === 403) && gate.refused)
          await gate.refused(req, def, err, err instanceof RoleForbidden ? err.actor : actor);
        next(err);
      } finally {
        running--;
      }
    });
  }
  return {
    async drain(timeoutMs) {
      for (const deadline = Date.now() + timeoutMs; running > 0 && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 20));
    },
  };
}

/** A request carries a body when it says how long it is (non-zero) or that it is chunked. */
const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const auditNote = (def: RouteDef) =>
  def.audit &&
  `Audited as \`${def.audit.action}\`${def.audit.viewing ? ' (once per key, target and minute of viewing)' : ''}.`;

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The OpenAPI 3.1 document, generated from the same route list and zod schemas that validate requests. */
export function openApiDocument(routes: RouteDef[], info: { title: string; version: string; description: string }) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key from `watchpost keys create`; a case SOS token is accepted on the SOS route only.',
  });
  for (const def of routes) {
    const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
    const all: Record<number, ResponseDoc> = { ...def.responses };
    if (def.roles !== 'public') {
      all[401] ??= problem('missing or invalid API key');
      all[403] ??= problem(`the key's role may not do this (allowed: ${def.roles.join(', ')})`);
    }
    if (def.params || def.query || def.body) all[400] ??= problem('invalid request');
    if (def.body && !def.rawBody) all[415] ??= problem('the body is not sent as application/json');
    if (def.needsRedis) all[503] ??= problem('Redis is unreachable');
    for (const [status, doc] of Object.entries(all)) {
      responses[status] = doc.schema
        ? { description: doc.description, content: { [doc.contentType ?? 'application/json']: { schema: doc.schema } } }
        : { description: doc.description };
    }
    const request: Record<string, unknown> = {};
    if (def.params) request.params = def.params;
    if (def.query) request.query = def.query;
    if (def.body) request.body = { content: { 'application/json': { schema: def.body } }, required: true };
    if (def.rawBody)
      request.body = {
        content: Object.fromEntries(
          def.rawBody.contentTypes.map((t) => [t, { schema: z.string().meta({ format: 'binary' }) }]),
        ),
        required: true,
      };
    registry.registerPath({
      method: def.method,
      path: toOpenApiPath(def.path),
      tags: [def.tag],
      summary: def.summary,
      description: [
        def.description,
        def.roles === 'public' ? 'Public.' : `Roles: ${def.roles.join(', ')}.`,
        auditNote(def),
      ]
        .filter(Boolean)
        .join('\n\n'),
      security: def.roles === 'public' ? [] : [{ [bearer.name]: [] }],
      request: request as never,
      responses: responses as never,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
  });
}
