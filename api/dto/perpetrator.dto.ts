import { z } from 'zod';
import { ENROLMENT_REFUSALS } from '../../pipeline/face-quality-rule.js';
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

export const photoQualitySchema = z
  .object({
    score: z.number().describe('[0, 1]: face size x detector score x sharpness x pose'),
    measures: z.record(z.string(), z.number()).describe('width in px, detector score, sharpness, yaw, pitch, exposure'),
    advice: z.array(z.string()).describe('what a better photo of this person would add'),
  })
  .meta({ id: 'PhotoQuality' });

export const photoSchema = z
  .object({
    id: z.string(),
    sha256: z.string(),
    mime: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    faceBox: boxSchema,
    createdAt: timestamp,
    quality: photoQualitySchema
      .nullable()
      .describe('the enrolment gate on this photo (null: enrolled before the gate)'),
    gateRefusal: z
      .string()
      .nullable()
      .describe('set when a photo enrolled before the gate fails it: still enrolled, flagged for replacement'),
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

/** Why the enrolment gate refused a photo (models/enrolment-gate.ts); `detail` says it in words. */
const gateReason = z.enum(ENROLMENT_REFUSALS);

export const enrolmentRejectedSchema = z
  .object({
    type: z.string(),
    status: z.literal(422),
    title: z.string(),
    detail: z.string(),
    reason: z.enum([...gateReason.options, 'not_an_image', 'unreadable_image']),
    box: boxSchema.optional().describe('the refused face, when there was one'),
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
        reason: gateReason.nullable(),
        message: z.string(),
        box: boxSchema.optional().describe('the face the verdict is about'),
        quality: photoQualitySchema.optional().describe('when ok: how good the face is'),
      })
      .describe('what enrolling this photo would answer (a much smaller background face does not count)'),
  })
  .meta({ id: 'FaceCheck' });

export const recheckResultSchema = z
  .object({ checked: z.number().int(), flagged: z.number().int() })
  .meta({ id: 'PhotoRecheck' });
