import { z } from 'zod';
import { cameraDetectionsSchema } from '../../pipeline/events.js';
import type { Core } from '../core.js';
import { cameraCreateSchema, cameraListQuery, cameraSchema, cameraUpdateSchema } from '../dto/camera.dto.js';
import { idParams } from '../dto/common.dto.js';
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.js';
import { cameraUrlProblem } from '../../pipeline/safe-targets.js';
import { refuseField } from '../../runtime/problem.js';
import { defineRoute, problemSchema, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';

const tag = 'cameras';
const notFound = { description: 'unknown camera', schema: problemSchema };

export function cameraRoutes({ cfg, services }: Core): RouteDef[] {
  const svc = services.cameras;
  const checkUrl = (url: string | undefined) =>
    url !== undefined && refuseField('body.url', cameraUrlProblem(url, cfg.ingest));
  return [
    defineRoute({
      method: 'get',
      path: '/v1/cameras',
      roles: CAN.readCameras,
      tag,
      summary: 'List cameras with pipeline status (credentials never shown)',
      query: pageQuery.extend(cameraListQuery.shape),
      responses: { 200: { description: 'a page', schema: page(cameraSchema, 'CameraPage') } },
      handler: async ({ query }) => {
        const rows = await svc.list({ limit: query.limit, after: decodeCursor(query.cursor), caseId: query.caseId });
        return pageOf(
          rows.map((r) => r.dto),
          query.limit,
          (x) => x,
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/cameras',
      roles: CAN.writeCameras,
      tag,
      summary: 'Register a camera (published to ingest workers)',
      body: cameraCreateSchema,
      needsRedis: true,
      status: 201,
      responses: {
        201: { description: 'created', schema: cameraSchema },
        409: { description: 'id taken', schema: problemSchema },
      },
      handler: ({ body, audit }) => {
        checkUrl(body.url);
        return svc.create(audit, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cameras/:id',
      roles: CAN.readCameras,
      tag,
      summary: 'A camera with pipeline status',
      params: idParams,
      responses: { 200: { description: 'the camera', schema: cameraSchema }, 404: notFound },
      handler: ({ params }) => svc.get(params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cameras/:id/frame',
      roles: CAN.readCameras,
      tag,
      summary: "The camera's latest frame (JPEG), for the camera wall",
      audit: { action: 'camera.frame.read', target: 'camera', viewing: true },
      description:
        'Frames live in Redis for a few seconds; poll for a live view. With `boxes=1`, the last frame the detect worker finished, ' +
        'with the people it tracks drawn (header `x-watchpost-persons`); `x-watchpost-frame-ts` is the capture time either way. ' +
        'With `regions=1` as well, the regions the detector examined on that frame are drawn dashed (detect.regions).',
      params: idParams,
      query: z.object({ boxes: z.enum(['0', '1']).optional(), regions: z.enum(['0', '1']).optional() }),
      responses: {
        200: { description: 'the frame', contentType: 'image/jpeg' },
        404: {
          description: 'unknown camera, or no recent frame',
          schema: problemSchema,
          contentType: 'application/problem+json',
        },
        503: { description: 'Redis is unreachable', schema: problemSchema, contentType: 'application/problem+json' },
      },
      handler: async ({ params, query, res }) => {
        const frame = await svc.latestFrame(params.id, { boxes: query.boxes === '1', regions: query.regions === '1' });
        res.status(200).type('image/jpeg').set('cache-control', 'no-store');
        if (frame.ts !== null) res.set('x-watchpost-frame-ts', String(frame.ts));
        if (frame.persons !== null) res.set('x-watchpost-persons', String(frame.persons));
        res.send(frame.jpeg);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cameras/:id/detections',
      roles: CAN.readCameras,
      tag,
      summary: 'The people the detect worker tracks on the camera (last detected frame)',
      audit: { action: 'camera.detections.read', target: 'camera', viewing: true },
      params: idParams,
      responses: {
        200: { description: 'tracked people, boxes in frame pixels', schema: cameraDetectionsSchema },
        404: {
          description: 'unknown camera, or no recent detections',
          schema: problemSchema,
          contentType: 'application/problem+json',
        },
        503: { description: 'Redis is unreachable', schema: problemSchema, contentType: 'application/problem+json' },
      },
      handler: ({ params }) => svc.detections(params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/cameras/:id',
      roles: CAN.writeCameras,
      tag,
      summary: 'Change a camera',
      params: idParams,
      body: cameraUpdateSchema,
      needsRedis: true,
      responses: { 200: { description: 'updated', schema: cameraSchema }, 404: notFound },
      handler: ({ params, body, audit }) => {
        checkUrl(body.url);
        return svc.update(audit, params.id, body);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/cameras/:id',
      roles: CAN.writeCameras,
      tag,
      summary: 'Remove a camera (ingest stops)',
      params: idParams,
      needsRedis: true,
      status: 204,
      responses: { 204: { description: 'removed' }, 404: notFound },
      handler: ({ params, audit }) => svc.delete(audit, params.id),
    }),
  ];
}
