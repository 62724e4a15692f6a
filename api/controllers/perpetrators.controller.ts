import { z } from 'zod';
import type { Core } from '../core.js';
import { idParams } from '../dto/common.dto.js';
import {
  enrolmentRejectedSchema,
  faceCheckSchema,
  recheckResultSchema,
  perpetratorCreateSchema,
  perpetratorDetailSchema,
  perpetratorListQuery,
  perpetratorSchema,
  perpetratorUpdateSchema,
  photoSchema,
} from '../dto/perpetrator.dto.js';
import { decodeCursor, page, pageOf, pageQuery } from '../http/pagination.js';
import { problemSchema, defineRoute, type RouteDef } from '../http/route.js';
import { CAN } from '../http/roles.js';

const PHOTO_LIMIT_BYTES = 15 * 1024 * 1024;
const tag = 'perpetrators';
const photoParams = z.object({ id: z.string(), photoId: z.string() });

export function perpetratorRoutes({ services }: Core): RouteDef[] {
  const svc = services.perpetrators;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/perpetrators',
      roles: CAN.readBiometrics,
      tag,
      summary: 'List perpetrators (newest first)',
      query: pageQuery.extend(perpetratorListQuery.shape),
      responses: { 200: { description: 'a page', schema: page(perpetratorSchema, 'PerpetratorPage') } },
      handler: async ({ query, audit }) => {
        const rows = await svc.list(audit, { limit: query.limit, after: decodeCursor(query.cursor), q: query.q });
        return pageOf(
          rows.map((r) => r.dto),
          query.limit,
          (x) => x,
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/perpetrators',
      roles: CAN.writeBiometrics,
      tag,
      summary: 'Register a perpetrator (then upload enrolment photos)',
      body: perpetratorCreateSchema,
      status: 201,
      responses: { 201: { description: 'created', schema: perpetratorSchema } },
      handler: ({ body, audit }) => svc.create(audit, body),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/perpetrators/:id',
      roles: CAN.readBiometrics,
      tag,
      summary: 'A perpetrator with enrolment photos and linked cases',
      params: idParams,
      responses: {
        200: { description: 'the perpetrator', schema: perpetratorDetailSchema },
        404: { description: 'unknown id', schema: problemSchema },
      },
      handler: ({ params, audit }) => svc.get(audit, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/perpetrators/:id',
      roles: CAN.writeBiometrics,
      tag,
      summary: 'Change name, notes or watch-everywhere',
      params: idParams,
      body: perpetratorUpdateSchema,
      needsRedis: true,
      responses: {
        200: { description: 'updated', schema: perpetratorSchema },
        404: { description: 'unknown id', schema: problemSchema },
      },
      handler: ({ params, body, audit }) => svc.update(audit, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/perpetrators/:id',
      roles: CAN.writeBiometrics,
      tag,
      summary: 'Delete a perpetrator, purging photos and embeddings',
      params: idParams,
      needsRedis: true,
      status: 204,
      responses: {
        204: { description: 'deleted and purged' },
        404: { description: 'unknown id', schema: problemSchema },
      },
      handler: ({ params, audit }) => svc.delete(audit, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/perpetrators/:id/photos',
      roles: CAN.writeBiometrics,
      tag,
      summary: 'Enrol a photo (raw JPEG/PNG/WebP body with exactly one usable face)',
      description: 'The body is the image bytes; its type is taken from the bytes, not from a name or header.',
      params: idParams,
      rawBody: { limitBytes: PHOTO_LIMIT_BYTES, contentTypes: ['image/jpeg', 'image/png', 'image/webp'] },
      needsRedis: true,
      status: 201,
      responses: {
        201: { description: 'enrolled', schema: photoSchema },
        409: { description: 'the same photo is already enrolled', schema: problemSchema },
        413: { description: `larger than ${PHOTO_LIMIT_BYTES} bytes`, schema: problemSchema },
        415: { description: 'not an image', schema: problemSchema },
        422: {
          description: 'no usable face, several faces, or a face too small; `reason` says which',
          schema: enrolmentRejectedSchema,
        },
      },
      handler: ({ params, body, audit }) => svc.addPhoto(audit, params.id, body as Buffer),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/faces/detect',
      roles: CAN.writeBiometrics,
      tag,
      summary: 'Find the faces in a photo before enrolling it (nothing is stored)',
      description: 'The body is the image bytes, typed by content like enrolment. Audited as a biometric read.',
      rawBody: { limitBytes: PHOTO_LIMIT_BYTES, contentTypes: ['image/jpeg', 'image/png', 'image/webp'] },
      responses: {
        200: { description: 'the faces found and the enrolment verdict', schema: faceCheckSchema },
        413: { description: `larger than ${PHOTO_LIMIT_BYTES} bytes`, schema: problemSchema },
        415: { description: 'not an image', schema: problemSchema },
        422: {
          description: 'the image cannot be decoded (`reason`: unreadable_image)',
          schema: enrolmentRejectedSchema,
        },
        503: { description: 'face models not available', schema: problemSchema },
      },
      handler: ({ body, audit }) => svc.checkFaces(audit, body as Buffer),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/faces/recheck',
      roles: CAN.writeBiometrics,
      tag,
      summary: 'Run the enrolment gate over every enrolled photo (flags those enrolled before it that fail it)',
      description:
        'A photo that passes gets its quality; one that fails is flagged (`gateRefusal` on the photo) and stays enrolled.',
      responses: {
        200: { description: 'photos checked and flagged', schema: recheckResultSchema },
        503: { description: 'face models not available', schema: problemSchema },
      },
      handler: ({ audit }) => svc.recheckPhotos(audit),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/perpetrators/:id/photos/:photoId',
      roles: CAN.readBiometrics,
      tag,
      summary: 'The enrolment photo bytes',
      params: photoParams,
      responses: {
        200: { description: 'the image', contentType: 'image/*' },
        404: { description: 'unknown photo', schema: problemSchema },
      },
      handler: async ({ params, audit, res }) => {
        const p = await svc.photoBytes(audit, params.id, params.photoId);
        res
          .status(200)
          .type(p.mime)
          .set({ 'cache-control': 'private, no-store', etag: `"${p.sha256}"` })
          .send(p.data);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/perpetrators/:id/photos/:photoId',
      roles: CAN.writeBiometrics,
      tag,
      summary: 'Remove one enrolment photo and its embedding',
      params: photoParams,
      needsRedis: true,
      status: 204,
      responses: { 204: { description: 'removed' }, 404: { description: 'unknown photo', schema: problemSchema } },
      handler: ({ params, audit }) => svc.deletePhoto(audit, params.id, params.photoId),
    }),
  ];
}
