import { z } from 'zod';

/**
 * How long personal data is kept. Lifetimes count from when a thing ended (an alert's resolution or
 * rejection, a replay's finish, an audit entry's time); what has not ended is kept. The retention
 * worker (`watchpost worker retention`) deletes what has expired every `purgeEverySeconds`.
 */
export const retentionSchema = z
  .object({
    /**
     * Identification results of live cameras (the track log: each face's nearest perpetrator, distance and box),
     * per entry, whatever the camera's traffic; unset: ingest.frameTtlSeconds.
     */
    bystanderSeconds: z.number().int().min(1).optional(),
    /**
     * Days an alert that proved wrong is kept, with its evidence, clips and deliveries, from its rejection (rejected
     * in review, marked a false positive, or resolved as a false alarm): the face in it is a stranger's.
     */
    falsePositiveDays: z.number().int().min(1).default(30),
    /**
     * Days an alert resolved true (intercepted, arrested, no contact; camera and SOS alerts resolved) is kept with
     * its evidence and clips, from its resolution: long enough for a prosecution to ask for it.
     */
    resolvedDays: z.number().int().min(1).default(730),
    /**
     * Days an unresolved alert of a closed case is kept from the case's closing (nobody will resolve it now);
     * unresolved alerts of open cases are kept until they are resolved.
     */
    closedCaseDays: z.number().int().min(1).default(365),
    /** Days an analyst's replay is kept (its record, timeline, best frames, and the alerts it raised) after it ended. */
    replayDays: z.number().int().min(1).default(30),
    /** Days an audit entry is kept. */
    auditDays: z.number().int().min(1).default(1095),
    /** How often the retention worker purges what has expired. */
    purgeEverySeconds: z.number().int().min(10).default(3600),
    /** Rows deleted per transaction (a run goes on batch after batch until nothing expired is left). */
    batchSize: z.number().int().min(1).max(10_000).default(200),
  })
  .strict();
export type RetentionConfig = z.infer<typeof retentionSchema>;

/** How long a live camera's track-log entry may live: retention.bystanderSeconds, or the frame TTL. */
export const bystanderSeconds = (cfg: {
  retention: z.infer<typeof retentionSchema>;
  ingest: { frameTtlSeconds: number };
}): number => cfg.retention.bystanderSeconds ?? cfg.ingest.frameTtlSeconds;
