import { z } from 'zod';

export const identifySchema = z
  .object({
    /** Faces below this BlazeFace score are ignored. */
    faceScore: z.number().min(0).max(1).default(0.5),
    /** Faces narrower than this (source pixels) are too small to identify. */
    minFacePx: z.number().int().min(8).default(24),
    /** A track raises a match when k of its last n identified frames agree. */
    votesK: z.number().int().min(1).default(2),
    /** The n of votesK: how many of a track's latest identified frames are counted. */
    votesN: z.number().int().min(1).default(5),
    /**
     * A match of the same perpetrator on the same camera within this many seconds of the
     * last sighting continues that appearance (no second event) even if tracking split it.
     */
    appearanceGapSeconds: z.number().min(0).max(600).default(5),
  })
  .strict();
