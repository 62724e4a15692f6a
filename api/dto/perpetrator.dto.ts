import { z } from 'zod';
import { boxSchema, timestamp } from './common.dto.js';

export const perpetratorCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    notes: z.string().max(2000).nullable().optional(),
    watchEverywhere: z.boolean().default(false).describe('watched on every camera, not only those of linked cases'),
  })
  .strict()
  .meta({ id: 'PerpetratorCreate' });

export const perpetratorUpdateSchema = perpetratorCreateSchema.partial().strict().meta({ id: 'PerpetratorUpdate' });

export const photoSchema = z
  .object({
    id: z.string(),
    sha256: z.string(),
    mime: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    faceBox: boxSchema,
    createdAt: timestamp,
  })
  .meta({ id: 'Photo' });

export const perpetratorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    notes: z.string().nullable(),
    watchEverywhere: z.boolean(),
    photoCount: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Perpetrator' });

export const perpetratorDetailSchema = perpetratorSchema
  .extend({ photos: z.array(photoSchema), caseIds: z.array(z.string()) })
  .meta({ id: 'PerpetratorDetail' });

export const perpetratorListQuery = z.object({ q: z.string().max(100).optional().describe('name contains') });

export const enrolmentRejectedSchema = z
  .object({
    type: z.string(),
    status: z.literal(422),
    title: z.string(),
    detail: z.string(),
    reason: z.enum(['no_face', 'several_faces', 'face_too_small', 'not_an_image', 'unreadable_image']),
  })
  .meta({ id: 'EnrolmentRejected' });

export const faceCheckSchema = z
  .object({
    width: z.number().int(),
    height: z.number().int(),
    faces: z
      .array(z.object({ box: boxSchema, score: z.number() }))
      .describe('every face the detector found, largest or not'),
    enrolment: z
      .object({
        ok: z.boolean(),
        reason: z.enum(['no_face', 'several_faces', 'face_too_small']).nullable(),
        message: z.string(),
      })
      .describe('what enrolling this photo would answer (a much smaller background face does not count)'),
  })
  .meta({ id: 'FaceCheck' });
