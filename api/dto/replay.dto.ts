import { z } from 'zod';
import {
  replayFixtureSchema as fixtureSchema,
  replayAlertSchema as timelineAlertSchema,
  replayTrackSchema as timelineTrackSchema,
} from '../../pipeline/replay.js';
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

const caseId = z.string().min(1).max(100);

export const replayCreateSchema = z
  .object({
    fixture: z.string().min(1).max(100).describe('name from GET /v1/replays/fixtures'),
    case: caseId.optional().describe("watch for this protection case's perpetrators instead of the fixture's gallery"),
  })
  .strict();

/** An uploaded video is watched against a case's perpetrators, or (no case) every enrolled perpetrator. */
export const replayUploadQuery = z.object({ case: caseId.optional() }).strict();

export const replayFixtureSchema = fixtureSchema.pick({ name: true, durationSec: true }).meta({ id: 'ReplayFixture' });

export const replayStatusSchema = z.enum(['queued', 'running', 'done', 'failed']);
export type ReplayStatus = z.infer<typeof replayStatusSchema>;

/** A track of the replay's timeline (pipeline/replay.ts) as the dashboard reads it. */
export const replayTrackSchema = timelineTrackSchema.pick({ identity: true, start: true, end: true }).extend({
  id: z.string(),
  bestFrameUrl: z.string().optional().describe('API path of the best frame (a JPEG of the person)'),
});

export const replayAlertSchema = timelineAlertSchema.pick({ identity: true, t: true, distance: true }).extend({
  replayId: z.string().describe('alerts of a replay are never delivered to officers'),
  track: z.string().nullable(),
});

export const replaySchema = z
  .object({
    id: z.string(),
    status: replayStatusSchema,
    source: z.string().describe('fixture name or uploaded file name'),
    watchlist: z.string().describe("who was watched for: the fixture's gallery, a case, or every enrolled perpetrator"),
    caseId: z.string().nullable(),
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
export type ReplayResultDto = NonNullable<ReplayDto['result']>;

export const replaySummarySchema = replaySchema.omit({ result: true }).meta({ id: 'ReplaySummary' });
export type ReplaySummaryDto = z.infer<typeof replaySummarySchema>;

export const replayTrackParams = z.object({ id: z.string().min(1).max(100), track: z.string().regex(/^\d{1,6}$/) });
