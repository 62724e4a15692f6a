import { z } from 'zod';

/** How long personal data is kept. */
export const retentionSchema = z
  .object({
    /**
     * Identification results of live cameras (the track log: each face's nearest perpetrator, distance and box),
     * per entry, whatever the camera's traffic; unset: ingest.frameTtlSeconds.
     */
    bystanderSeconds: z.number().int().min(1).optional(),
  })
  .strict();

/** How long a live camera's track-log entry may live: retention.bystanderSeconds, or the frame TTL. */
export const bystanderSeconds = (cfg: {
  retention: z.infer<typeof retentionSchema>;
  ingest: { frameTtlSeconds: number };
}): number => cfg.retention.bystanderSeconds ?? cfg.ingest.frameTtlSeconds;
