import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AuditContext } from '../../audit/audit-context.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { AlertAction } from '../../alerting/alert.service.js';
import { scopeOf } from '../../alerting/alert-access.js';
import type { AlertOutcome } from '../../pipeline/programme-report.js';
import type { Core } from '../core.js';
import type { AlertStreamHub } from '../http/alert-stream.js';
import { alertDetailSchema, alertDto, alertSchema } from '../../alerting/alert.dto.js';
import { alertListQuery, alertResolveSchema, alertTransitionSchema, streamTicketSchema } from '../dto/alert.dto.js';
import { idParams } from '../dto/common.dto.js';
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.js';
import { defineRoute, problemSchema, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';
import { sendBytes } from '../http/send-bytes.js';

const tag = 'alerts';
const notFound = { description: 'unknown alert', schema: problemSchema };
const conflict = { description: 'not allowed from the current state', schema: problemSchema };

export function alertRoutes({ services, alerting }: Core, hub: AlertStreamHub): RouteDef[] {
  const svc = alerting.alerts;
  const transition = (action: AlertAction, path: string, summary: string) =>
    defineRoute({
      method: 'post',
      path: `/v1/alerts/:id/${path}`,
      roles: CAN.actOnAlerts,
      tag,
      summary,
      params: idParams,
      body: action === 'resolve' ? alertResolveSchema : alertTransitionSchema,
      responses: { 200: { description: 'the alert', schema: alertSchema }, 404: notFound, 409: conflict },
      handler: ({ params, body, audit }) =>
        svc.transition(audit, params.id, action, body.note, (body as { outcome?: AlertOutcome }).outcome),
    });
  return [
    defineRoute({
      method: 'get',
      path: '/v1/alerts',
      roles: CAN.readAlerts,
      tag,
      summary: "List alerts (newest first) with filters; an officer sees their district's and those sent to them",
      audit: { action: 'alert.list', target: 'alert', query: true },
      query: pageQuery.extend(alertListQuery.shape),
      responses: { 200: { description: 'a page', schema: page(alertSchema, 'AlertPage') } },
      handler: async ({ query, audit }) => {
        const { limit, cursor, ...f } = query;
        const rows = await svc.list(audit, { ...f, limit, after: decodeCursor(cursor) });
        return pageOf(rows, limit, alertDto);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/alerts/stream',
      roles: CAN.readAlerts,
      ticket: 'stream',
      tag,
      summary: 'Server-Sent Events: every alert change the caller may see, resumable with Last-Event-ID',
      description:
        'Events `alert.created`, `alert.confirmed`, `alert.review_missed`, `alert.updated`, `alert.acknowledged`, `alert.resolved`, `alert.false_positive`, ' +
        '`alert.escalated`; `data` is `{type, alert}`; `id` is the journal sequence number. Reconnect with the ' +
        '`Last-Event-ID` header (or `?lastEventId=`) to receive what was missed. Browsers, whose EventSource cannot ' +
        'send headers, pass `?ticket=` from POST /v1/alerts/stream-ticket.',
      query: z.object({ ticket: z.string().optional(), lastEventId: z.string().optional() }),
      responses: { 200: { description: 'an event stream', contentType: 'text/event-stream', schema: z.string() } },
      handler: ({ req, res, actor, audit }) =>
        streamAudited(services.audit, audit, req, res, () =>
          hub.attach(req, res, actor.kind === 'key' ? actor.keyId : null, scopeOf(actor)),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/alerts/stream-ticket',
      roles: CAN.readAlerts,
      tag,
      summary: 'A 60-second ticket for opening the stream from a browser',
      audit: { action: 'key.ticket.stream', target: 'key' },
      responses: { 200: { description: 'the ticket', schema: streamTicketSchema } },
      handler: ({ actor }) => services.auth.streamTicket(actor),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/alerts/:id',
      roles: CAN.readAlerts,
      tag,
      summary: 'An alert with its actions, evidence and webhook receipts',
      params: idParams,
      responses: { 200: { description: 'the alert', schema: alertDetailSchema }, 404: notFound },
      handler: ({ params, audit }) => svc.get(audit, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/alerts/:id/confirm',
      roles: CAN.reviewAlerts,
      tag,
      summary: 'Confirm a face match (pending_review → new): the officers on duty for the case are dispatched',
      description:
        'Webhook `alert.confirmed` to the officers on duty (with the evidence) and to everyone who had the alert; ' +
        'when nobody is on duty in the district, to the fallback (flag `no_officer_on_duty`).',
      params: idParams,
      body: alertTransitionSchema,
      responses: { 200: { description: 'the alert', schema: alertSchema }, 404: notFound, 409: conflict },
      handler: ({ params, body, audit }) => alerting.review.confirm(audit, params.id, body.note),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/alerts/:id/reject',
      roles: CAN.reviewAlerts,
      tag,
      summary: 'Reject a face match (pending_review → false_positive): no officer is disturbed',
      params: idParams,
      body: alertTransitionSchema,
      responses: { 200: { description: 'the alert', schema: alertSchema }, 404: notFound, 409: conflict },
      handler: ({ params, body, audit }) => alerting.review.reject(audit, params.id, body.note),
    }),
    transition('acknowledge', 'acknowledge', 'Acknowledge (new → acknowledged)'),
    transition('resolve', 'resolve', 'Resolve (→ resolved), recording what happened'),
    transition('false_positive', 'false-positive', 'Mark as a false positive (→ false_positive)'),
    defineRoute({
      method: 'get',
      path: '/v1/alerts/:id/evidence/:evidenceId',
      roles: CAN.readEvidence,
      ticket: 'media',
      tag,
      summary:
        'Evidence file (snapshot, face crop, event clip MP4 and its redacted copy, the track JSON); header X-Content-SHA256; Range requests for seeking',
      params: z.object({ id: z.string(), evidenceId: z.string() }),
      query: z.object({ ticket: z.string().optional().describe('from POST /v1/evidence/media-ticket, for a player') }),
      responses: {
        200: { description: 'the file (image/jpeg, video/mp4 or application/json)', contentType: 'image/jpeg' },
        206: { description: 'the requested byte range', contentType: 'video/mp4' },
        403: {
          description:
            'evidence as recorded asked by a role that may not see it (snapshot, frame: admins and operators; clip: admins)',
          schema: problemSchema,
        },
        404: { description: 'unknown evidence', schema: problemSchema },
        500: {
          description: 'the stored file no longer matches its SHA-256: refused, alarmed, audited',
          schema: problemSchema,
        },
      },
      handler: async ({ params, audit, req, res }) => {
        const e = await svc.evidenceBytes(audit, params.id, params.evidenceId);
        sendBytes(req, res, e.data, {
          'content-type': e.mime,
          'cache-control': 'private, no-store',
          etag: `"${e.sha256}"`,
          'x-content-sha256': e.sha256,
        });
      },
    }),
  ];
}

/**
 * The stream is audited when it opens and when it ends (with how long it ran), not per event: one
 * open stream carries every alert change for hours.
 */
async function streamAudited(
  audit: AuditService,
  ctx: AuditContext,
  req: Request,
  res: Response,
  attach: () => Promise<void>,
) {
  const target = { type: 'stream', id: `st_${randomBytes(6).toString('hex')}` };
  const openedAt = Date.now();
  await audit.record(ctx, 'alert.stream.open', target, {
    via: typeof req.query.ticket === 'string' ? 'ticket' : 'key',
  });
  res.on('close', () => {
    const seconds = Math.round((Date.now() - openedAt) / 1000);
    void audit.record(ctx, 'alert.stream.close', target, { seconds }).catch(() => {});
  });
  await attach();
}
