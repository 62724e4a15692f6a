import { z } from 'zod';
import { voteRecordSchema } from './track-log.js';
import { watchlistIdentitySchema } from './watchlist.js';

/**
 * Replays: the job an analyst's replay is queued as, what the replay worker reports
 * while it runs, and the timeline it produces. The runner (workers/replay), the CLI's
 * JSON, the API's records and the dashboard's types are all inferred from these.
 */
const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const identity = z.object({ id: z.string(), name: z.string() });

export const replayTrackSchema = z.object({
  /** 1, 2, ... in order of appearance (stable across runs). */
  id: z.number().int().positive(),
  /** The pipeline's track id (events and Redis keys use it). */
  trackId: z.string(),
  identity: identity.nullable(),
  /** Seconds from the start of the footage. */
  start: z.number(),
  end: z.number(),
  /** Frames in which the person was detected. */
  hits: z.number().int().nonnegative(),
  /** Frames sent to identification. */
  identifyFrames: z.number().int().nonnegative(),
  /** Best frame for identification seen on the track; `thumbnail`: the person in it, a JPEG data: URL. */
  best: z
    .object({
      t: z.number(),
      seq: z.number().int(),
      quality: z.number(),
      personBox: box,
      thumbnail: z.string().optional(),
    })
    .nullable(),
  /** Every identified frame: nearest watchlist identity and distance (matched or not: threshold sweeps use them). */
  votes: z.array(
    z.object({
      t: z.number(),
      seq: z.number().int(),
      name: z.string().nullable(),
      distance: z.number().nullable(),
      weight: z.number(),
      /** What the vote rule reads besides the distance (the sweep replays the whole rule), as the track log has it. */
      ...voteRecordSchema.pick({ secondDistance: true, widthPx: true, problems: true, lowLight: true }).shape,
    }),
  ),
});
export type ReplayTrack = z.infer<typeof replayTrackSchema>;

type VoteRuleInputs = Pick<ReplayTrack['votes'][number], 'secondDistance' | 'widthPx' | 'problems' | 'lowLight'>;

/** What the vote rule reads of a frame besides its distance, copied along only where it was recorded. */
export function voteRuleInputs(v: VoteRuleInputs): VoteRuleInputs {
  return {
    ...(v.secondDistance === undefined ? {} : { secondDistance: v.secondDistance }),
    ...(v.widthPx === undefined ? {} : { widthPx: v.widthPx }),
    ...(v.problems === undefined ? {} : { problems: v.problems }),
    ...(v.lowLight ? { lowLight: true } : {}),
  };
}

export const replayAlertSchema = z.object({
  identity,
  /** When the match fired: the frame whose vote completed k of n (seconds from the start). */
  t: z.number(),
  /** Quality-weighted mean distance of the agreeing frames. */
  distance: z.number(),
  /** ReplayTrack.id of the track, and the pipeline's track id. */
  track: z.number().int().nullable(),
  trackId: z.string(),
  eventId: z.string(),
  firstSeen: z.number(),
  scores: z.array(z.object({ t: z.number(), seq: z.number().int(), distance: z.number() })),
});
export type ReplayAlert = z.infer<typeof replayAlertSchema>;

export const enrolledPhotoSchema = z.object({
  name: z.string(),
  photo: z.string(),
  ok: z.boolean(),
  /** Why the photo was not used (no_face, several_faces, face_too_small, or an image error code). */
  reason: z.string().optional(),
});
export type EnrolledPhoto = z.infer<typeof enrolledPhotoSchema>;

const count = z.number().int().nonnegative();

/**
 * The timeline of one replay. Everything but `stats` is deterministic: the same
 * footage and settings give the same result (tests compare it).
 */
export const replayResultSchema = z.object({
  replayId: z.string(),
  video: z.string(),
  cameraId: z.string(),
  /** Frames ingested (sampled at ingest.fps). */
  frames: count,
  durationSec: z.number(),
  /** Set when the video could not be read to its end (the timeline covers what was read). */
  stoppedEarly: z.object({ atSec: z.number(), reason: z.string() }).optional(),
  /** Frames: taken by detection; detected / skipped by motion gating; expired, corrupt (at ingest or detect), out of order. */
  gating: z.object({
    frames: count,
    detected: count,
    skipped: count,
    expired: count,
    outOfOrder: count,
    corrupt: count,
    skippedShare: z.number(),
  }),
  tracks: z.array(replayTrackSchema),
  alerts: z.array(replayAlertSchema),
  /** Who was watched for: a gallery folder's photos, or a case's identities (`source` names it). */
  gallery: z
    .object({ identities: z.array(z.string()), photos: z.array(enrolledPhotoSchema), source: z.string().optional() })
    .nullable(),
  /** Wall-clock figures of this run (vary between runs). */
  stats: z.object({ wallSec: z.number(), framesPerSec: z.number(), identifyJobs: count, failedJobs: count }),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

/** Where a running replay is: `total` is what the file's declared duration holds at the sampling rate. */
export const replayProgressSchema = z.object({ frames: count, total: count, mediaSec: z.number() });
export type ReplayProgress = z.infer<typeof replayProgressSchema>;

/**
 * Who a replay watches for, always named by the job: the `<name>/<photo>` folders of a
 * gallery the worker enrols, or identities the API resolved from its database (a
 * protection case, every enrolled perpetrator), with the embedder that made them.
 */
export const replayWatchlistSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('gallery'), dir: z.string().min(1) }),
  z.object({
    kind: z.literal('identities'),
    /** What the identities are, for people: "case <id>", "every enrolled perpetrator". */
    source: z.string().min(1),
    /** FaceChain.embedderId of the descriptors: a worker running another embedder refuses the job. */
    embedder: z.string().min(1),
    identities: z.array(watchlistIdentitySchema),
  }),
]);
export type ReplayWatchlist = z.infer<typeof replayWatchlistSchema>;

/** One replay: a video file the worker can read (a shared volume for uploads), who to watch for, and truth to score against. */
export const replayJobSchema = z.object({
  replayId: z.string().regex(/^[\w-]{1,64}$/),
  video: z.string().min(1),
  watchlist: replayWatchlistSchema,
  /** Ground-truth file of a footage fixture (fixtures/README.md format): the result is scored against it. */
  truthFile: z.string().min(1).optional(),
});
export type ReplayJob = z.infer<typeof replayJobSchema>;

/** What a replay job returns: its timeline and, with truth, the evaluation (precision, recall, time to first alert). */
export const replayOutcomeSchema = z.object({
  result: replayResultSchema,
  evaluation: z.unknown().optional(),
});
export type ReplayOutcome = z.infer<typeof replayOutcomeSchema>;

/**
 * Footage fixtures the replay workers can read, as they advertise them in Redis: the
 * API lists them and copies a fixture's paths into its jobs (it never reads fixtures itself).
 */
export const replayFixtureSchema = z.object({
  name: z.string(),
  durationSec: z.number(),
  video: z.string(),
  /** The `<name>/<photo>` gallery the fixture's truth was made for. */
  gallery: z.string(),
  truthFile: z.string(),
});
export type ReplayFixture = z.infer<typeof replayFixtureSchema>;
export const replayFixturesSchema = z.array(replayFixtureSchema);
