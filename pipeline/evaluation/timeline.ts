import { z } from 'zod';
import { voteRuleSchema } from '../track-votes.js';

export type { VoteRule } from '../track-votes.js';

/**
 * What a replay produced, in the shape the evaluation and the HTML report read.
 * The replay runner fills it (its `--json` output is a superset); times are
 * seconds from the first frame of the footage, never wall-clock time, so the same
 * footage gives the same timeline on any machine.
 */
const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const identity = z.object({ name: z.string(), id: z.string().optional() });

/** One identified frame of a track. */
export const timelineScoreSchema = z.object({
  t: z.number().nonnegative(),
  /**
   * Nearest enrolled identity for this frame's face and its distance (lower is closer),
   * filled in even when the distance is above the threshold: the threshold sweep
   * needs them. Both null when no usable face was found in the frame.
   */
  name: z.string().nullable(),
  distance: z.number().nullable(),
  faceBox: box.optional(),
  /** The rest of what the vote rule reads (absent in timelines written before it): the sweep applies the rule. */
  secondDistance: z.number().nullable().optional(),
  widthPx: z.number().optional(),
  problems: z.array(z.string()).optional(),
  lowLight: z.boolean().optional(),
});
export type TimelineScore = z.infer<typeof timelineScoreSchema>;

export const timelineTrackSchema = z.object({
  id: z.string(),
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  /** Identity the track was matched to, null for unknown. */
  identity: identity.nullable(),
  best: z
    .object({
      t: z.number().nonnegative(),
      personBox: box.optional(),
      faceBox: box.optional(),
      /** JPEG of the best frame's person (or face) crop as a `data:image/jpeg;base64,...` URL. */
      thumbnail: z.string().startsWith('data:image/').optional(),
    })
    .optional(),
  /** Per identified frame, in time order. */
  scores: z.array(timelineScoreSchema),
});
export type TimelineTrack = z.infer<typeof timelineTrackSchema>;

/** An alert that fired (or, in a replay, would have fired). */
export const timelineAlertSchema = z.object({
  identity,
  t: z.number().nonnegative(),
  distance: z.number(),
  trackId: z.string().optional(),
});
export type TimelineAlert = z.infer<typeof timelineAlertSchema>;

export const replayTimelineSchema = z.object({
  /** Footage file name, for the report's title. */
  video: z.string(),
  durationSec: z.number().positive(),
  /** Frames processed (after sampling). */
  frames: z.number().int().nonnegative(),
  /** Match threshold the alerts were raised with (euclidean distance). */
  threshold: z.number().positive(),
  /** k-of-n vote that turns identified frames into a match. */
  votes: voteRuleSchema,
  tracks: z.array(timelineTrackSchema),
  alerts: z.array(timelineAlertSchema),
});
export type ReplayTimeline = z.infer<typeof replayTimelineSchema>;

export class InvalidTimelineError extends Error {
  override readonly name = 'InvalidTimelineError';
}

export function parseTimeline(json: unknown, source = 'timeline'): ReplayTimeline {
  const parsed = replayTimelineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidTimelineError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
