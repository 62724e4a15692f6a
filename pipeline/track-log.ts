import { z } from 'zod';
import { boxSchema } from './geometry.js';

/**
 * A camera's track history (a Redis stream, see runtime/track-log.ts): finished tracks
 * from the detect stage and per-frame identification votes from the identify stage, so
 * replays, timelines and threshold sweeps can be built without asking the workers.
 */
export const trackSummarySchema = z.object({
  type: z.literal('track'),
  cameraId: z.string(),
  trackId: z.string(),
  firstTs: z.number(),
  lastTs: z.number(),
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
  /** Frames in which the track was detected. */
  hits: z.number().int(),
  /** Frames sent to identification. */
  identifyFrames: z.number().int(),
  /** Best frame for identification seen on the track (largest, sharpest head). */
  best: z
    .object({ seq: z.number().int(), ts: z.number(), frameKey: z.string(), quality: z.number(), personBox: boxSchema })
    .nullable(),
  replayId: z.string().optional(),
});
export type TrackSummary = z.infer<typeof trackSummarySchema>;

/** One identified frame of a track: the nearest watchlist identity and its distance, whether or not it matched. */
export const voteRecordSchema = z.object({
  type: z.literal('vote'),
  cameraId: z.string(),
  trackId: z.string(),
  seq: z.number().int(),
  ts: z.number(),
  candidateId: z.string().nullable(),
  candidateName: z.string().nullable(),
  distance: z.number().nullable(),
  weight: z.number(),
  /** Nearest other identity's distance, face width, and why the face could not vote (pipeline/track-votes.ts). */
  secondDistance: z.number().nullable().optional(),
  widthPx: z.number().optional(),
  problems: z.array(z.string()).optional(),
  /** A face in a dark picture, held to the low-light threshold. */
  lowLight: z.boolean().optional(),
  faceBox: boxSchema,
  replayId: z.string().optional(),
});
export type VoteRecord = z.infer<typeof voteRecordSchema>;

export const trackLogRecordSchema = z.discriminatedUnion('type', [trackSummarySchema, voteRecordSchema]);
export type TrackLogRecord = z.infer<typeof trackLogRecordSchema>;
