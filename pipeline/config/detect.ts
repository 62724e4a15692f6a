import { z } from 'zod';
import { regionSettingSchema } from '../regions.js';

export const detectSchema = z
  .object({
    /** Detect queues; cameras are partitioned over them by hash of the id, each consumed in order. */
    partitions: z.number().int().min(1).max(64).default(4),
    /**
     * Job lock of a detect partition. A crashed detect worker's frame is taken over after
     * about this long plus half a second of stall checks; until then its partition waits (frames are
     * tracked in order). Shorter than twice the longest event-loop stall: frames run twice.
     */
    lockSeconds: z.number().min(1).max(300).default(2),
    /** Person detections below this score are ignored. */
    personScore: z.number().min(0).max(1).default(0.35),
    /** Motion gating: skip person detection on frames without motion while no track is alive. */
    motionGating: z.boolean().default(true),
    /** Share of changed low-resolution pixels that counts as motion. */
    motionThreshold: z.number().min(0).max(1).default(0.002),
    /** Regions ignored by motion gating (trees, roads, screens), as [x1,y1,x2,y2] fractions of the frame. */
    motionMasks: z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])).default([]),
    /**
     * Which parts of a frame the person detector examines (a camera's `regions` overrides it):
     * `whole` frame; `tiles` at native resolution plus the whole frame; `motion` crops around
     * what moved and the live tracks; `auto`: motion on cameras (whole without motion gating), tiles on photos.
     */
    regions: regionSettingSchema.default('auto'),
    /** Frame pixels per model input pixel in a tile (1: native resolution; 2: tiles twice the model's size). */
    tileScale: z.number().min(1).max(4).default(1),
    /** Motion regions: a still scene is looked at whole this often (a person who stood still after their track ended). */
    motionRefreshSeconds: z.number().min(1).max(600).default(10),
  })
  .strict();
