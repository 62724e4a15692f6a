import { z } from 'zod';

export const detectSchema = z
  .object({
    /** Detect queues; cameras are partitioned over them by hash of the id, each consumed in order. */
    partitions: z.number().int().min(1).max(64).default(4),
    /**
     * Job lock of a detect partition. A crashed detect worker's frame is taken over after
     * about this long plus 2 s of stall checks; until then its partition waits (frames are
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
  })
  .strict();
