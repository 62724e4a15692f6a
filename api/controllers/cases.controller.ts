import type { Core } from '../core.js';
import {
  caseCreatedSchema,
  caseCreateSchema,
  caseListQuery,
  caseRenewSchema,
  caseSchema,
  caseUpdateSchema,
  coverageSchema,
  sosSchema,
} from '../dto/case.dto.js';
import { alertSchema } from '../../alerting/alert.dto.js';
import { idParams } from '../dto/common.dto.js';
import { onDutySchema } from '../dto/officer.dto.js';
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.js';
import { defineRoute, problemSchema, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';
import { officerDto } from '../services/officer.service.js';
import { z } from 'zod';

const tag = 'cases';
const notFound = { description: 'unknown case', schema: problemSchema };

export function caseRoutes({ services, alerting }: Core): RouteDef[] {
  const svc = services.cases;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/coverage',
      roles: CAN.readCases,
      tag,
      summary: 'Coverage gaps: protection hours of active cases in the next 24 h that no shift covers',
      responses: { 200: { description: 'the gaps, earliest first', schema: coverageSchema } },
      handler: () => services.coverage.gaps(),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cases',
      roles: CAN.readCases,
      tag,
      summary: 'List protection cases (newest first)',
      query: pageQuery.extend(caseListQuery.shape),
      responses: { 200: { description: 'a page', schema: page(caseSchema, 'CasePage') } },
      handler: async ({ query }) => {
        const rows = await svc.list({
          limit: query.limit,
          after: decodeCursor(query.cursor),
          status: query.status,
          district: query.district,
          perpetratorId: query.perpetratorId,
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
      path: '/v1/cases',
      roles: CAN.writeCases,
      tag,
      summary: 'Open a protection case',
      body: caseCreateSchema,
      needsRedis: true,
      status: 201,
      responses: { 201: { description: 'created; the SOS token is shown only now', schema: caseCreatedSchema } },
      handler: ({ body, audit }) => svc.create(audit, body),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cases/:id',
      roles: CAN.readCases,
      tag,
      summary: 'A protection case',
      params: idParams,
      responses: { 200: { description: 'the case', schema: caseSchema }, 404: notFound },
      handler: ({ params }) => svc.get(params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/cases/:id',
      roles: CAN.writeCases,
      tag,
      summary: 'Change a case (perpetrators, hours, status...)',
      params: idParams,
      body: caseUpdateSchema,
      needsRedis: true,
      responses: { 200: { description: 'updated', schema: caseSchema }, 404: notFound },
      handler: ({ params, body, audit }) => svc.update(audit, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/cases/:id',
      roles: CAN.admin,
      tag,
      summary: 'Delete a case (cameras stay, unlinked)',
      params: idParams,
      needsRedis: true,
      status: 204,
      responses: { 204: { description: 'deleted' }, 404: notFound },
      handler: ({ params, audit }) => svc.delete(audit, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/cases/:id/renew',
      roles: CAN.writeCases,
      tag,
      summary: 'Renew the protection window (a session of at most 14 days from now)',
      params: idParams,
      body: caseRenewSchema,
      needsRedis: true,
      responses: { 200: { description: 'renewed', schema: caseSchema }, 404: notFound },
      handler: ({ params, body, audit }) => svc.renew(audit, params.id, body.windowEnd),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/cases/:id/sos-token',
      roles: CAN.writeCases,
      tag,
      summary: "Issue a new SOS token for the victim's device (the old one stops working)",
      params: idParams,
      responses: {
        200: { description: 'the new token, shown once', schema: z.object({ sosToken: z.string() }) },
        404: notFound,
      },
      handler: ({ params, audit }) => svc.rotateSosToken(audit, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cases/:id/on-duty',
      roles: CAN.readCases,
      tag,
      summary: 'Who is on duty for this case now (or at ?at=ms)',
      params: idParams,
      query: z.object({ at: z.coerce.number().int().optional() }),
      responses: { 200: { description: 'officers on duty', schema: onDutySchema }, 404: notFound },
      handler: async ({ params, query }) => {
        const r = await svc.onDuty(params.id, query.at);
        return {
          ...r,
          officers: r.officers.map((o) => ({
            ...officerDto(o),
            shiftId: o.shiftId,
            shiftStartsAt: o.startsAt,
            shiftEndsAt: o.endsAt,
          })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/cases/:id/sos',
      roles: CAN.raiseSos,
      sosToken: true,
      tag,
      summary: "Victim's panic button: raise an SOS alert now",
      description:
        "Accepts the case's SOS token (from case creation) or an API key. Always alerts the officers on duty, inside " +
        'or outside the protection window. Works while Redis is down (delivery follows when it is back). Repeats ' +
        'within the cooldown update the open SOS alert; the same eventId never raises two.',
      params: idParams,
      body: sosSchema,
      status: 201,
      responses: {
        201: { description: 'alert raised or updated', schema: z.object({ outcome: z.string(), alert: alertSchema }) },
        404: notFound,
      },
      handler: async ({ params, body, audit }) => {
        const raised = await alerting.intake.sos(audit, params.id, body);
        // The case's cameras' clips around the press; never holds up (or fails) the SOS itself.
        if (raised.outcome === 'created')
          void alerting.clips.forSos(raised.alert.id, params.id, raised.alert.firstSeen);
        return raised;
      },
    }),
  ];
}
