import { z } from 'zod';

export const evidenceSchema = z
  .object({
    /** Keep a rolling buffer of each camera's encoded video and attach a clip to match and SOS alerts. */
    clips: z.boolean().default(true),
    /** Seconds of video kept before a sighting; the rolling buffer holds this, one segment and the alert's latency. */
    preSeconds: z.number().int().min(0).max(120).default(10),
    /** Seconds of video after the sighting that an alert's clip covers. */
    postSeconds: z.number().int().min(0).max(300).default(20),
    /** Target length of a buffered segment; ffmpeg cuts at the next keyframe, so real ones follow the camera's GOP. */
    segmentSeconds: z.number().int().min(1).max(10).default(2),
    /** Make copies of clips and stills with every face but the matched person's pixelated (evidence worker). */
    redact: z.boolean().default(true),
    /** Seconds between a sighting and its alert that the buffer allows for (track votes, queues). */
    alertLatencySeconds: z.number().int().min(1).max(60).default(10),
  })
  .strict();
export type EvidenceConfig = z.infer<typeof evidenceSchema>;

/**
 * How long a buffered segment lives unless a clip pins it: long enough to still hold `preSeconds`
 * before a sighting when its alert arrives, and no longer.
 */
export const segmentTtlSeconds = (e: EvidenceConfig) => e.preSeconds + 2 * e.segmentSeconds + e.alertLatencySeconds;
