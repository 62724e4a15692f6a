import { z } from 'zod';
import { boxSchema } from './geometry.js';
import { cameraEventSchema, matchEventSchema } from './events.js';
import { regionSettingSchema } from './regions.js';
import { replayJobSchema } from './replay.js';

/**
 * Queue topology: every queue, its job names and the shape of their data, in one
 * registry (validated at the producer and at the consumer). Jobs carry references,
 * never pixels: frame bytes live in Redis keys with a TTL (see redis-keys.ts).
 *
 *   ingest ──frame──▶ detect-<p> (P partitions by camera hash, concurrency 1 each: frames of a camera in order)
 *          ──identify──▶ identify ──match──▶ alerts ◀──camera.offline / camera.online── ingest
 *
 *   API ──replay──▶ replays: a replay worker runs the footage through ingest, detect and identify on keys
 *   of its own, reports progress on the job, and returns the timeline (the API records it)
 */

/** live: lossy and bounded (newer frames win); lossless: replays, nothing is dropped. */
export const frameModeSchema = z.enum(['live', 'lossless']);

export const frameJobSchema = z.object({
  cameraId: z.string(),
  /** Frame number within this camera's stream session, strictly increasing. */
  seq: z.number().int().nonnegative(),
  /** Capture time, ms since epoch (replays: start time + media time). */
  ts: z.number(),
  /** Redis key of the JPEG bytes. */
  frameKey: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  mode: frameModeSchema,
  /** Analysts' replay run this frame belongs to. */
  replayId: z.string().optional(),
  /** The camera's own detect.regions, when it has one. */
  regions: regionSettingSchema.optional(),
});
export type FrameJob = z.infer<typeof frameJobSchema>;

/** BullMQ job id of a frame: a re-sent frame is a no-op (BullMQ ignores a duplicate id). */
export const frameJobId = (f: Pick<FrameJob, 'cameraId' | 'seq' | 'replayId'>) =>
  `${f.replayId ? `${f.replayId}-` : ''}${f.cameraId}-${f.seq}`;

export const identifyJobSchema = frameJobSchema.extend({
  trackId: z.string(),
  /** Person box in frame pixels; the face is searched in its head region. */
  personBox: boxSchema,
  /** When the track began (ms since epoch): the match event's firstSeen. */
  trackStartTs: z.number().optional(),
});
export type IdentifyJob = z.infer<typeof identifyJobSchema>;

export const QUEUE = {
  /** Prefix of the detect partitions: detect-0 .. detect-(P-1). */
  detect: 'detect',
  identify: 'identify',
  alerts: 'alerts',
  /** Signed webhook deliveries of alerts to officers (consumed next to the alerts worker). */
  webhooks: 'webhooks',
  /** Delayed checks: alerts nobody acknowledged escalate, matches nobody reviewed go out unconfirmed. */
  escalations: 'escalations',
  /** Analysts' replays of footage, queued by the API, one at a time per replay worker. */
  replays: 'replays',
  /** Event clips to cut from a camera's video buffer, and redact (workers/evidence). */
  evidence: 'evidence',
  /** The retention purge, a repeatable job (workers/retention): what has outlived retention.* is deleted. */
  retention: 'retention',
} as const;

export const JOB = {
  frame: 'frame',
  identify: 'identify',
  match: 'match',
  cameraOffline: 'camera.offline',
  cameraOnline: 'camera.online',
  webhook: 'webhook',
  escalate: 'escalate',
  reviewDue: 'review.due',
  replay: 'replay',
  clip: 'clip',
  clipReady: 'evidence.clip',
  purge: 'retention.purge',
} as const;

/**
 * How each queue recovers a job whose worker died (SIGKILL, OOM, a lost host). A job's
 * lock lives `lockMs` and its worker renews it every lockMs/2; every worker of the queue
 * runs the queue's stall check (at most once per `stalledIntervalMs` across them), which
 * puts an active job whose lock lapsed back to waiting. The check is two-phase (one round
 * marks the active jobs, the next moves those whose lock is gone), so a crash costs at most
 * about lockMs + stalledIntervalMs before another worker has the job. What each setting trades:
 * - lockMs: shorter is a faster take-over, but a worker whose event loop stalls longer than
 *   lockMs/2 loses its lock and the job runs twice (every handler is idempotent, so twice
 *   costs work, not a second alert). Jobs here take milliseconds (models run on their own
 *   threads), so 2-3 s leaves a wide margin.
 * - stalledIntervalMs: shorter is a faster take-over for one small Redis script per worker
 *   and queue per interval.
 * - maxStalledCount: stalls a job survives before it fails for good (kept for a person to
 *   see): a job that crashes its worker every time must not crash the next one forever.
 *   Alert, webhook and escalation jobs carry what sends police, so they get more tries
 *   than a live frame, which is stale seconds later anyway.
 * Detect partitions matter most: a partition waits (frames of a camera stay in order)
 * until its stalled frame is taken over; `detect.lockSeconds` overrides their lock.
 * 2.5 s in all keeps a crash within the 5 s an alert may be late for it, even when one dead
 * process held two steps of the same alert (its match event, then its webhook).
 */
export interface QueueRecovery {
  lockMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

export const QUEUE_RECOVERY: Record<QueueKind, QueueRecovery> = {
  [QUEUE.detect]: { lockMs: 2000, stalledIntervalMs: 500, maxStalledCount: 2 },
  [QUEUE.identify]: { lockMs: 2000, stalledIntervalMs: 500, maxStalledCount: 2 },
  [QUEUE.alerts]: { lockMs: 2000, stalledIntervalMs: 500, maxStalledCount: 10 },
  [QUEUE.webhooks]: { lockMs: 2000, stalledIntervalMs: 500, maxStalledCount: 10 },
  [QUEUE.escalations]: { lockMs: 2000, stalledIntervalMs: 500, maxStalledCount: 10 },
  // A replay runs for minutes in a process busy with its own pipeline: a longer lock, and one restart after a crash.
  [QUEUE.replays]: { lockMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 1 },
  // Clips take tens of seconds (waiting for the seconds after a sighting, then redaction) and
  // send nobody anywhere: a crash may cost them 10 s; fewer lock renewals and stall checks.
  [QUEUE.evidence]: { lockMs: 10_000, stalledIntervalMs: 5000, maxStalledCount: 3 },
  // A purge takes seconds to minutes, in batches that are each safe to repeat: no hurry to take one over.
  [QUEUE.retention]: { lockMs: 60_000, stalledIntervalMs: 30_000, maxStalledCount: 2 },
};

/** FNV-1a: a stable, fast hash so a camera always lands on the same detect partition. */
export function partitionOf(cameraId: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < cameraId.length; i++) {
    h ^= cameraId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export const detectQueueName = (partition: number) => `${QUEUE.detect}-${partition}`;

/** Deliver one webhook (a row of the API's delivery table, so a retry re-reads its state). */
export const webhookJobSchema = z.object({ deliveryId: z.string().min(1) });
/** Check, after the acknowledgement deadline, whether an alert must escalate to `level`. */
export const escalateJobSchema = z.object({ alertId: z.string().min(1), level: z.number().int().min(1) });
/** At a match's review deadline: if nobody confirmed or rejected it, officers get it unconfirmed. */
export const reviewDueJobSchema = z.object({ alertId: z.string().min(1) });

/** Delete what has outlived the retention policy (`schedule`: the repeatable job; `manual`: asked for by an admin). */
export const purgeJobSchema = z.object({ reason: z.enum(['schedule', 'manual']) });

/** Cut an alert's clip from the camera's video buffer once it holds `toMs`, and make redacted copies. */
export const clipJobSchema = z.object({
  alertId: z.string().min(1),
  cameraId: z.string().min(1),
  /** The sighting: when the matched person was seen, and their box then (null: SOS, nobody is kept clear). */
  sightingTs: z.number(),
  personBox: boxSchema.nullable(),
  /** Redis key of the sighting's frame, for a redacted still (null: none). */
  frameKey: z.string().nullable(),
  fromMs: z.number(),
  toMs: z.number(),
});
export type ClipJob = z.infer<typeof clipJobSchema>;

/** The files of an event clip: the recording, its redacted copy, the matched person's boxes, a redacted still. */
export const CLIP_FILE_KINDS = ['clip', 'clip_redacted', 'clip_track', 'snapshot_redacted'] as const;

/** What a clip job made: files in Redis (TTL) for the alerts side to keep as the alert's evidence. */
export const clipReadySchema = z.object({
  alertId: z.string().min(1),
  cameraId: z.string(),
  /** Wall-clock span the clip covers (whole buffered segments around the requested span). */
  startMs: z.number().nullable(),
  endMs: z.number().nullable(),
  files: z.array(
    z.object({
      kind: z.enum(CLIP_FILE_KINDS),
      key: z.string(),
      sha256: z.string(),
      mime: z.string(),
    }),
  ),
  /** Why something is missing (no video buffered for the camera, redaction failed, ...). */
  note: z.string().optional(),
});
export type ClipReady = z.infer<typeof clipReadySchema>;

/**
 * Which jobs each queue carries and the schema of their data: the one registry that
 * producers and consumers validate against (runtime/queues.ts). `detect` stands for
 * every partition detect-0 .. detect-(P-1).
 */
export const QUEUE_JOBS = {
  [QUEUE.detect]: { [JOB.frame]: frameJobSchema },
  [QUEUE.identify]: { [JOB.identify]: identifyJobSchema },
  [QUEUE.alerts]: {
    [JOB.match]: matchEventSchema,
    [JOB.cameraOffline]: cameraEventSchema,
    [JOB.cameraOnline]: cameraEventSchema,
    [JOB.clipReady]: clipReadySchema,
  },
  [QUEUE.webhooks]: { [JOB.webhook]: webhookJobSchema },
  [QUEUE.escalations]: { [JOB.escalate]: escalateJobSchema, [JOB.reviewDue]: reviewDueJobSchema },
  [QUEUE.replays]: { [JOB.replay]: replayJobSchema },
  [QUEUE.evidence]: { [JOB.clip]: clipJobSchema },
  [QUEUE.retention]: { [JOB.purge]: purgeJobSchema },
} as const;
export type QueueKind = keyof typeof QUEUE_JOBS;
export type JobName<K extends QueueKind> = keyof (typeof QUEUE_JOBS)[K] & string;
export type JobData<K extends QueueKind, N extends JobName<K>> = z.infer<(typeof QUEUE_JOBS)[K][N]>;
