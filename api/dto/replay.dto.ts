import { z } from 'zod';
import { timestamp } from './common.dto.js';

/** Largest video an analyst may upload (the body is buffered, then written to the data folder). */
export const REPLAY_UPLOAD_LIMIT_BYTES = 256 * 1024 * 1024;
export const REPLAY_VIDEO_TYPES = [
  'video/mp4',
  'video/quicktime',
  'video/x-matroska',
  'video/webm',
  'video/x-msvideo',
  'video/mp2t',
];

export const replayCreateSchema = z
  .object({ fixture: z.string().min(1).max(100).describe('name from GET /v1/replays/fixtures') })
  .strict();

export const replayFixtureSchema = z
  .object({ name: z.string(), durationSec: z.number() })
  .meta({ id: 'ReplayFixture' });

export const replayStatusSchema = z.enum(['queued', 'running', 'done', 'failed']);
export type ReplayStatus = z.infer<typeof replayStatusSchema>;

export const replayTrackSchema = z.object({
  id: z.string(),
  identity: z.object({ name: z.string(), id: z.string() }).nullable(),
  start: z.number().describe('seconds from the start of the footage'),
  end: z.number(),
  bestFrameUrl: z.string().optional().describe('API path of the best frame (a JPEG of the person)'),
});

export const replayAlertSchema = z.object({
  replayId: z.string().describe('alerts of a replay are never delivered to officers'),
  identity: z.object({ name: z.string(), id: z.string() }),
  t: z.number(),
  distance: z.number(),
  track: z.string().nullable(),
});

export const replaySchema = z
  .object({
    id: z.string(),
    status: replayStatusSchema,
    source: z.string().describe('fixture name or uploaded file name'),
    createdAt: timestamp,
    createdBy: z.string(),
    finishedAt: timestamp.nullable(),
    error: z.string().nullable(),
    progress: z.object({
      frames: z.number().int(),
      total: z.number().int(),
      fps: z.number(),
      etaSec: z.number().nullable(),
    }),
    result: z
      .object({
        frames: z.number().int(),
        durationSec: z.number(),
        stoppedEarly: z.object({ atSec: z.number(), reason: z.string() }).optional(),
        tracks: z.array(replayTrackSchema),
        alerts: z.array(replayAlertSchema),
        evaluation: z
          .unknown()
          .optional()
          .describe('precision, recall and time to first alert against the fixture truth'),
      })
      .optional(),
  })
  .meta({ id: 'Replay' });
export type ReplayDto = z.infer<typeof replaySchema>;

export const replaySummarySchema = replaySchema.omit({ result: true }).meta({ id: 'ReplaySummary' });

export const replayTrackParams = z.object({ id: z.string().min(1).max(100), track: z.string().regex(/^\d{1,6}$/) });
