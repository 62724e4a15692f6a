import { z } from 'zod';
import type { Core } from '../core.js';
import { auditListQuery, auditPageSchema, keyCreatedSchema, keyCreateSchema, keySchema } from '../dto/admin.dto.js';
import { idParams, timestamp } from '../dto/common.dto.js';
import { defineRoute, notFoundDoc, type RouteDef } from '../http/route.js';
import { notFound } from '../../runtime/problem.js';
import type { Response } from 'express';
import type { AuditContext, Role } from '../../audit/audit-context.js';
import { AUDIT_CSV_HEADER, auditCsvRow, outcomeOf, parseDetail } from '../../audit/audit-export.js';
import { csvLines, toCsv } from '../../pipeline/csv.js';
import type { AuditFilter } from '../../storage/repositories/audit.repository.js';
import { CAN } from '../http/roles.js';

const tag = 'admin';

/** Where bull-board is served, and the cookie that opens it in a browser (api/server.ts). */
export const BOARD_PATH = '/admin/queues';
export const BOARD_COOKIE = 'wp_board';
const boardSessionSchema = z.object({ url: z.string(), expiresAt: timestamp }).meta({ id: 'QueueBoardSession' });

export function adminRoutes({ services }: Core, hub: { endStreamsOf(keyId: string): number }): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/audit',
      roles: CAN.admin,
      tag,
      summary: 'The audit log (newest first): biometric reads and changes, alert actions, admin changes, refusals',
      description:
        'Entries are hash-chained (`watchpost audit verify`). `?format=csv` exports every entry the filters match ' +
        '(not one page), newest first, with its hashes; the export is itself audited.',
      query: auditListQuery,
      responses: {
        200: { description: 'a page (or CSV with ?format=csv)', schema: auditPageSchema },
      },
      handler: async ({ query, audit, res }) => {
        const { format, limit, ...filter } = query;
        if (format === 'csv') return exportCsv(services.audit, filter, audit, res);
        const rows = await services.audit.list({ ...filter, limit });
        return {
          items: rows.map((r) => {
            const detail = parseDetail(r.detail);
            return { ...r, detail, outcome: outcomeOf(detail) };
          }),
          nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/keys',
      roles: CAN.admin,
      tag,
      summary: 'API keys (hashes are never shown)',
      audit: { action: 'key.list', target: 'key', viewing: true },
      responses: { 200: { description: 'keys', schema: z.object({ items: z.array(keySchema) }) } },
      handler: async () => ({ items: (await services.auth.listKeys()).map((k) => ({ ...k, role: k.role as Role })) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/keys',
      roles: CAN.admin,
      tag,
      summary: 'Create an API key (shown once)',
      body: keyCreateSchema,
      status: 201,
      responses: { 201: { description: 'created', schema: keyCreatedSchema } },
      handler: async ({ body, audit }) => {
        const expiresAt = body.expiresAt ?? (body.expiresIn ? Date.now() + body.expiresIn : null);
        const k = await services.auth.createKey(body.role, body.name ?? null, expiresAt, body.officerId ?? null);
        await services.audit.record(
          audit,
          'key.create',
          { type: 'key', id: k.id },
          { role: k.role, name: k.name, expiresAt: k.expiresAt, officerId: k.officerId },
        );
        return k;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/keys/:id',
      roles: CAN.admin,
      tag,
      summary: 'Revoke an API key: its requests, open streams and stream tickets end at once',
      params: idParams,
      status: 204,
      responses: { 204: { description: 'revoked' }, 404: notFoundDoc('unknown or already revoked key') },
      handler: async ({ params, audit }) => {
        if (!(await services.auth.revokeKey(params.id))) throw notFound('active key', params.id);
        const streamsEnded = hub.endStreamsOf(params.id);
        await services.audit.record(audit, 'key.revoke', { type: 'key', id: params.id }, { streamsEnded });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/admin/queues/session',
      roles: CAN.admin,
      tag,
      summary: 'Open the queue board (bull-board at /admin/queues) in a browser',
      description:
        'Sets an HttpOnly, SameSite=Strict cookie scoped to /admin/queues, valid 30 minutes or until the key is revoked, ' +
        'so that a browser tab can open the board without an Authorization header.',
      responses: { 200: { description: 'the session', schema: boardSessionSchema } },
      handler: async ({ actor, audit, req, res }) => {
        const session = await services.auth.boardSession(actor);
        res.cookie(BOARD_COOKIE, session.ticket, {
          httpOnly: true,
          sameSite: 'strict',
          secure: req.secure,
          path: BOARD_PATH,
          maxAge: session.expiresAt - Date.now(),
        });
        await services.audit.record(audit, 'queues.session', {
          type: 'key',
          id: actor.kind === 'key' ? actor.keyId : actor.name,
        });
        return { url: BOARD_PATH, expiresAt: session.expiresAt };
      },
    }),
  ];
}

/** Streams the export page by page; the entry recording it is written first, so the export holds it. */
async function exportCsv(
  audit: Core['services']['audit'],
  filter: Omit<AuditFilter, 'limit'>,
  ctx: AuditContext,
  res: Response,
) {
  await audit.record(ctx, 'audit.export', { type: 'audit' }, { filter });
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
  res.status(200).type('text/csv').set('content-disposition', `attachment; filename="audit-${stamp}.csv"`);
  res.write(toCsv(AUDIT_CSV_HEADER, []));
  for await (const rows of audit.pages(filter)) res.write(csvLines(rows.map(auditCsvRow)));
  res.end();
}
