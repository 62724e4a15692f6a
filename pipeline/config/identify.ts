import { z } from 'zod';

/** Which frames vote (pipeline/face-quality-rule.ts); chosen with bench:face-accuracy (README). */
const voteQualitySchema = z
  .object({
    /** Faces narrower than this (detector box, source px) are refused. */
    minWidthPx: z.number().min(8).default(32),
    /** Face detector score needed. */
    minDetectorScore: z.number().min(0).max(1).default(0.5),
    /** Largest gap between the detector's eyes/nose/mouth and the landmark model's, in eye distances (animals: 0.5-2.5). */
    maxLandmarkError: z.number().positive().default(0.35),
    /** Laplacian variance of the aligned face at 64 px needed (blur). */
    minSharpness: z.number().min(0).default(20),
    /** Head turn allowed sideways, degrees from frontal. */
    maxYaw: z.number().min(0).max(90).default(40),
    /** Head turn allowed up or down, degrees from frontal. */
    maxPitch: z.number().min(0).max(90).default(30),
    /** Darkest mean luma of the face allowed (0-255). */
    minBrightness: z.number().min(0).max(255).default(30),
    /** Brightest mean luma of the face allowed (0-255). */
    maxBrightness: z.number().min(0).max(255).default(230),
    /** Luma spread (standard deviation) of the face needed. */
    minContrast: z.number().min(0).default(10),
    /** Luma spread needed of a low-light face (a dark picture, smoothed at night): night faces are flat. */
    lowLightMinContrast: z.number().min(0).default(5),
  })
  .strict();

/** Which photos enrolment accepts: the same measures, stricter. */
const enrolQualitySchema = z
  .object({
    /** Faces narrower than this (detector box, source px) are refused. */
    minWidthPx: z.number().min(8).default(80),
    /** Face detector score needed. */
    minDetectorScore: z.number().min(0).max(1).default(0.6),
    /** Largest gap between the detector's eyes/nose/mouth and the landmark model's, in eye distances (animals: 0.5-2.5). */
    maxLandmarkError: z.number().positive().default(0.35),
    /** Laplacian variance of the aligned face at 64 px needed (blur). */
    minSharpness: z.number().min(0).default(100),
    /** Head turn allowed sideways, degrees from frontal. */
    maxYaw: z.number().min(0).max(90).default(45),
    /** Head turn allowed up or down, degrees from frontal. */
    maxPitch: z.number().min(0).max(90).default(30),
    /** Darkest mean luma of the face allowed (0-255). */
    minBrightness: z.number().min(0).max(255).default(30),
    /** Brightest mean luma of the face allowed (0-255). */
    maxBrightness: z.number().min(0).max(255).default(230),
    /** Luma spread (standard deviation) of the face needed. */
    minContrast: z.number().min(0).default(10),
  })
  .strict();

export const identifySchema = z
  .object({
    /** Faces below this BlazeFace score are ignored. */
    faceScore: z.number().min(0).max(1).default(0.5),
    /** Faces narrower than this (source pixels) are not even described. */
    minFacePx: z.number().int().min(8).default(24),
    /**
     * A camera whose median face (of its last 50) is narrower than this gets a dashboard hint to move or zoom it:
     * identification finds enrolled people reliably from about 48 px (README, bench:face-accuracy and bench:walk-pasts).
     */
    faceSizeHintPx: z.number().min(0).default(48),
    /** Faces a camera must have seen before it is judged too small. */
    faceSizeHintSamples: z.number().int().min(1).default(20),
    /** A track raises a match when k of its last n voting frames agree. */
    votesK: z.number().int().min(1).default(2),
    /** The n of votesK: how many of a track's latest identified frames are counted. */
    votesN: z.number().int().min(1).default(5),
    /** A frame votes only when its face passes this rule (size, confidence, landmarks, blur, pose, exposure). */
    voteQuality: voteQualitySchema.prefault({}),
    /** A frame's distance must be under the embedder's threshold times this (CCTV faces are not photos). */
    thresholdScale: z.number().positive().max(1).default(0.95),
    /** Faces narrower than this (px) are held to the stricter smallFaceThresholdScale. */
    smallFacePx: z.number().min(0).default(64),
    /** A small face's distance must be under the embedder's threshold times this. */
    smallFaceThresholdScale: z.number().positive().max(1).default(0.927),
    /** A low-light face's threshold (after the two above) is multiplied by this: night faces sit closer to strangers. */
    lowLightThresholdScale: z.number().positive().max(1).default(0.9),
    /** The nearest other identity must be at least this much farther than the voted one. */
    minMargin: z.number().min(0).default(0.02),
    /** Agreeing frames must outnumber voting frames that name somebody else (a changing nearest identity is a stranger). */
    majority: z.boolean().default(true),
    /** An enrolment photo must pass this rule; failures are refused with the reason (422). */
    enrolQuality: enrolQualitySchema.prefault({}),
    /**
     * A match of the same perpetrator on the same camera within this many seconds of the
     * last sighting continues that appearance (no second event) even if tracking split it.
     */
    appearanceGapSeconds: z.number().min(0).max(600).default(5),
  })
  .strict();
