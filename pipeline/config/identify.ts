import { z } from 'zod';

/**
 * A face quality rule (pipeline/face-quality-rule.ts); defaults are the vote rule's, chosen
 * with bench:face-accuracy (README "Face quality and open-set scoring").
 */
const qualityRule = (d: {
  minWidthPx: number;
  minDetectorScore: number;
  minSharpness: number;
  maxYaw: number;
  maxPitch: number;
}) =>
  z
    .object({
      /** Faces narrower than this (detector box, source px) are refused. */
      minWidthPx: z.number().min(8).default(d.minWidthPx),
      /** Face detector score needed. */
      minDetectorScore: z.number().min(0).max(1).default(d.minDetectorScore),
      /** Largest gap between the detector's eyes/nose/mouth and the landmark model's, in eye distances (animals: 0.5-2.5). */
      maxLandmarkError: z.number().positive().default(0.35),
      /** Laplacian variance of the aligned face at 64 px needed (blur). */
      minSharpness: z.number().min(0).default(d.minSharpness),
      /** Head turn (degrees from frontal) allowed sideways and up/down. */
      maxYaw: z.number().min(0).max(90).default(d.maxYaw),
      maxPitch: z.number().min(0).max(90).default(d.maxPitch),
      /** Mean luma of the face allowed (0-255), and the luma spread needed. */
      minBrightness: z.number().min(0).max(255).default(30),
      maxBrightness: z.number().min(0).max(255).default(230),
      minContrast: z.number().min(0).default(10),
    })
    .strict();

export const identifySchema = z
  .object({
    /** Faces below this BlazeFace score are ignored. */
    faceScore: z.number().min(0).max(1).default(0.5),
    /** Faces narrower than this (source pixels) are not even described. */
    minFacePx: z.number().int().min(8).default(24),
    /** A track raises a match when k of its last n voting frames agree. */
    votesK: z.number().int().min(1).default(2),
    /** The n of votesK: how many of a track's latest identified frames are counted. */
    votesN: z.number().int().min(1).default(5),
    /** A frame votes only when its face passes this rule (size, confidence, landmarks, blur, pose, exposure). */
    voteQuality: qualityRule({
      minWidthPx: 32,
      minDetectorScore: 0.5,
      minSharpness: 20,
      maxYaw: 40,
      maxPitch: 30,
    }).prefault({}),
    /** A frame's distance must be under the embedder's threshold times this (CCTV faces are not photos). */
    thresholdScale: z.number().positive().max(1).default(0.95),
    /** ...and faces narrower than smallFacePx under the threshold times smallFaceThresholdScale. */
    smallFacePx: z.number().min(0).default(64),
    smallFaceThresholdScale: z.number().positive().max(1).default(0.927),
    /** The nearest other identity must be at least this much farther than the voted one. */
    minMargin: z.number().min(0).default(0.02),
    /** Agreeing frames must outnumber voting frames that name somebody else (a changing nearest identity is a stranger). */
    majority: z.boolean().default(true),
    /** An enrolment photo must pass this rule; failures are refused with the reason (422). */
    enrolQuality: qualityRule({
      minWidthPx: 80,
      minDetectorScore: 0.6,
      minSharpness: 100,
      maxYaw: 45,
      maxPitch: 30,
    }).prefault({}),
    /**
     * A match of the same perpetrator on the same camera within this many seconds of the
     * last sighting continues that appearance (no second event) even if tracking split it.
     */
    appearanceGapSeconds: z.number().min(0).max(600).default(5),
  })
  .strict();
