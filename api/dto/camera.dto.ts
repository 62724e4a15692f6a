import { z } from 'zod';
import { faceSizeSchema } from '../../pipeline/face-size-hint.js';
import { timestamp } from './common.dto.js';

/** Its scheme is checked against the configuration (ingest.allowFileSources) by the route. */
const url = z.string().min(1).max(2000);

export const cameraCreateSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64 chars)')
      .optional()
      .describe('default: generated'),
    name: z.string().trim().min(1).max(200),
    url: url.describe(
      'rtsp://, rtsps://, http(s):// stream URL (a local file only with ingest.allowFileSources); credentials are stored but never returned',
    ),
    caseId: z.string().nullable().default(null),
    fps: z.number().positive().max(30).nullable().default(null),
  })
  .strict()
  .meta({ id: 'CameraCreate' });

export const cameraUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    url,
    caseId: z.string().nullable(),
    fps: z.number().positive().max(30).nullable(),
  })
  .partial()
  .strict()
  .meta({ id: 'CameraUpdate' });

export const cameraSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The stream URL with any user:password replaced by ***. */
    url: z.string(),
    hasCredentials: z.boolean(),
    caseId: z.string().nullable(),
    fps: z.number().nullable(),
    status: z
      .object({
        state: z.enum(['connecting', 'streaming', 'stalled', 'offline', 'stopped', 'unknown']),
        online: z.boolean(),
        reason: z
          .string()
          .nullable()
          .describe(
            'why the state differs from what the ingest worker last said (e.g. no status from the ingest worker)',
          ),
        lastFrameAt: timestamp.nullable(),
        fps: z.number().nullable(),
        framesTotal: z.number().int().nullable(),
        framesDropped: z.number().int().nullable(),
        ingestWorker: z.string().nullable().describe('the ingest worker reading the camera'),
        updatedAt: timestamp.nullable(),
      })
      .describe('from the pipeline; state unknown while Redis is unreachable or no worker reported yet'),
    faceSize: faceSizeSchema
      .nullable()
      .describe(
        'widths of the last faces the camera saw, with a hint when they are too small to identify; null: none seen',
      ),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Camera' });

export const cameraListQuery = z.object({ caseId: z.string().optional() });
