import { z } from 'zod';
import { boxSchema } from './geometry.js';

/**
 * Events that leave the vision pipeline for the alert API, carried as jobs on the
 * `alerts` queue. These shapes are the contract between workers and the API:
 * validate at the producer and at the consumer.
 */

/** A registered perpetrator identified on a track (one event per appearance, not per frame). */
/**
 * How much a match can be trusted, for the operator at a glance: frames that agreed, named somebody else, or were too
 * poor to vote, the smallest margin to the next identity, and a strength (pipeline/track-votes.ts strengthOf).
 */
export const matchEvidenceSchema = z.object({
  strength: z.enum(['strong', 'moderate', 'weak']),
  framesAgreed: z.number().int(),
  framesDisagreed: z.number().int(),
  framesIgnored: z.number().int(),
  margin: z.number().nullable(),
});
export type MatchEvidenceSummary = z.infer<typeof matchEvidenceSchema>;

export const matchEventSchema = z.object({
  type: z.literal('match'),
  /** Stable id of this appearance's match: a replayed or retried event carries the same id. */
  eventId: z.string().min(1),
  cameraId: z.string(),
  trackId: z.string(),
  perpetratorId: z.string(),
  /** Name at enrolment, for display. */
  name: z.string(),
  /** Aggregated distance over the track (lower is closer). */
  distance: z.number(),
  /** Per-frame evidence: frame timestamp (ms since epoch), distance, face box, and the face's quality. */
  scores: z.array(
    z.object({
      ts: z.number(),
      seq: z.number().int(),
      distance: z.number(),
      faceBox: boxSchema,
      /** [0, 1]: size x detector score x sharpness x pose of the face (pipeline/face-quality-rule.ts). */
      quality: z.number().optional(),
      /** Face width, source pixels. */
      widthPx: z.number().optional(),
      /** Gap to the nearest other identity (null: one identity watched on this camera). */
      margin: z.number().nullable().optional(),
    }),
  ),
  evidence: matchEvidenceSchema.optional(),
  /** Best frame: where its JPEG lives (Redis key with TTL) and what is in it. */
  best: z.object({
    frameKey: z.string(),
    ts: z.number(),
    seq: z.number().int(),
    personBox: boxSchema.nullable(),
    faceBox: boxSchema,
    /** Redis key of the face crop JPEG (TTL like frames). */
    faceCropKey: z.string().nullable(),
  }),
  firstSeen: z.number(),
  lastSeen: z.number(),
  /** Watchlist snapshot version the match was made against. */
  galleryVersion: z.number().int(),
  /** Set by replays: the analysts' run this event belongs to (no alert is delivered to officers). */
  replayId: z.string().optional(),
});
export type MatchEvent = z.infer<typeof matchEventSchema>;

/** A camera stopped or resumed delivering frames (tampering is a threat in this domain). */
export const cameraEventSchema = z.object({
  type: z.enum(['camera.offline', 'camera.online']),
  eventId: z.string().min(1),
  cameraId: z.string(),
  ts: z.number(),
  /** Last frame time before going offline (ms since epoch), if any. */
  lastFrameAt: z.number().nullable(),
  reason: z.string().optional(),
});
export type CameraEvent = z.infer<typeof cameraEventSchema>;

/**
 * Event id of a camera going blind: named by its last frame, so the ingest worker and the
 * watchdog (camera-watchdog.ts) that see the same silence raise the same event, once.
 */
export function cameraOfflineEventId(cameraId: string, lastFrameAt: number | null, at: number): string {
  return lastFrameAt === null ? `${cameraId}-offline-${at}` : `${cameraId}-offline-after-${lastFrameAt}`;
}

export const alertEventSchema = z.discriminatedUnion('type', [matchEventSchema, cameraEventSchema]);
export type AlertEvent = z.infer<typeof alertEventSchema>;

/** Camera state published by the ingest worker at `<prefix>:camera:<id>:status` (a JSON string). */
/** The people on a live camera's last detected frame, for the camera wall. */
export const cameraDetectionsSchema = z.object({
  cameraId: z.string(),
  seq: z.number(),
  ts: z.number(),
  /** The frame the boxes belong to (it may have expired). */
  frameKey: z.string(),
  width: z.number(),
  height: z.number(),
  persons: z.array(z.object({ trackId: z.string(), box: boxSchema })),
  /** Regions the detector examined on this frame (detect.regions), for the camera wall's toggle. */
  regions: z.array(boxSchema).default([]),
});
export type CameraDetections = z.infer<typeof cameraDetectionsSchema>;

export const cameraStatusSchema = z.object({
  cameraId: z.string(),
  state: z.enum(['connecting', 'streaming', 'stalled', 'offline', 'stopped']),
  lastFrameAt: z.number().nullable(),
  /** Measured frames per second over the last few seconds. */
  fps: z.number(),
  framesTotal: z.number().int(),
  framesDropped: z.number().int(),
  /** Frames that were not a valid JPEG, skipped. */
  framesCorrupt: z.number().int().default(0),
  /** Redis key of the latest frame JPEG, for the dashboard grid. */
  latestFrameKey: z.string().nullable(),
  /** The ingest worker reading the camera (its lease holder). */
  ingestWorker: z.string().optional(),
  /** RTSP transport that delivered frames (ingest.rtspTransport auto): the next reader starts with it. */
  transport: z.enum(['tcp', 'udp']).optional(),
  updatedAt: z.number(),
});
export type CameraStatus = z.infer<typeof cameraStatusSchema>;
