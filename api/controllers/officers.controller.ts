import { z } from 'zod';
import type { Core } from '../core.js';
import { idParams } from '../dto/common.dto.js';
import {
  officerCreateSchema,
  officerListQuery,
  officerSchema,
  officerUpdateSchema,
  officerWithSecretSchema,
  shiftCreateSchema,
  shiftListQuery,
  shiftSchema,
} from '../dto/officer.dto.js';
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.js';
import { webhookUrlProblem } from '../../pipeline/safe-targets.js';
import { refuseField } from '../../runtime/problem.js';
import { defineRoute, problemSchema, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';

const tag = 'officers';
const notFound = { description: 'unknown officer', schema: problemSchema };

export function officerRoutes({ cfg, services }: Core): RouteDef[] {
  const svc = services.officers;
  const checkWebhook = (url: string | null | undefined) =>
    url && refuseField('body.webhookUrl', webhookUrlProblem(url, cfg.alerts));
  return [
    defineRoute({
      method: 'get',
      path: '/v1/officers',
      roles: CAN.readOfficers,
      tag,
      summary: 'List responders: officers, and guards (?kind=guard&caseId=)',
      query: pageQuery.extend(officerListQuery.shape),
      responses: { 200: { description: 'a page', schema: page(officerSchema, 'OfficerPage') } },
      handler: async ({ query }) => {
        const rows = await svc.list({
          limit: query.limit,
          after: decodeCursor(query.cursor),
          district: query.district,
          kind: query.kind,
          caseId: query.caseId,
        });
        return pageOf(
          rows.map((r) => r.dto),
          query.limit,
          (x) => x,
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/officers',
      roles: CAN.writeOfficers,
      tag,
      summary: 'Register an officer, or a guard of a case (with a webhook URL: the signing secret is returned once)',
      body: officerCreateSchema,
      status: 201,
      responses: {
        201: { description: 'created', schema: officerWithSecretSchema },
        409: { description: 'badge taken', schema: problemSchema },
      },
      handler: ({ body, audit }) => {
        checkWebhook(body.webhookUrl);
        return svc.create(audit, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/officers/:id',
      roles: CAN.readOfficers,
      tag,
      summary: 'An officer',
      params: idParams,
      responses: { 200: { description: 'the officer', schema: officerSchema }, 404: notFound },
      handler: ({ params }) => svc.get(params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/officers/:id',
      roles: CAN.writeOfficers,
      tag,
      summary: 'Change an officer',
      params: idParams,
      body: officerUpdateSchema,
      responses: {
        200: { description: 'updated (webhookSecret set only when newly created)', schema: officerWithSecretSchema },
        404: notFound,
      },
      handler: ({ params, body, audit }) => {
        checkWebhook(body.webhookUrl);
        return svc.update(audit, params.id, body);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/officers/:id',
      roles: CAN.writeOfficers,
      tag,
      summary: 'Remove an officer and their shifts',
      params: idParams,
      status: 204,
      responses: { 204: { description: 'removed' }, 404: notFound },
      handler: ({ params, audit }) => svc.delete(audit, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/officers/:id/webhook-secret',
      roles: CAN.writeOfficers,
      tag,
      summary: 'Rotate the webhook signing secret (returned once)',
      params: idParams,
      responses: { 200: { description: 'the new secret', schema: officerWithSecretSchema }, 404: notFound },
      handler: ({ params, audit }) => svc.rotateSecret(audit, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/shifts',
      roles: CAN.readOfficers,
      tag,
      summary: 'Duty roster: shifts overlapping [from, to)',
      query: shiftListQuery,
      responses: { 200: { description: 'shifts, earliest first', schema: z.object({ items: z.array(shiftSchema) }) } },
      handler: async ({ query }) => ({ items: await svc.shifts(query) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/shifts',
      roles: CAN.writeCases,
      tag,
      summary: 'Put an officer on duty for a period (at most 24 h)',
      body: shiftCreateSchema,
      status: 201,
      responses: { 201: { description: 'created', schema: shiftSchema } },
      handler: ({ body, audit }) => svc.addShift(audit, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/shifts/:id',
      roles: CAN.writeCases,
      tag,
      summary: 'Remove a shift',
      params: idParams,
      status: 204,
      responses: { 204: { description: 'removed' }, 404: { description: 'unknown shift', schema: problemSchema } },
      handler: ({ params, audit }) => svc.deleteShift(audit, params.id),
    }),
  ];
}
