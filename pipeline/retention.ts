import { z } from 'zod';
import type { RetentionConfig } from './config/retention.js';

/**
 * The retention policy as data: when each kind of personal data expires, and what a purge run
 * reports. The purge (alerting/retention.service.ts), `GET /v1/retention` and the dashboard read it.
 */

const DAY_MS = 86_400_000;

/** What a purge run deletes, counted per kind. */
export const PURGE_KINDS = [
  'alerts',
  'evidenceFiles',
  'clips',
  'deliveries',
  'replays',
  'replayFrames',
  'trackLogEntries',
  'auditEntries',
] as const;
export type PurgeKind = (typeof PURGE_KINDS)[number];
export type PurgeCounts = Record<PurgeKind, number>;

export const emptyCounts = (): PurgeCounts => Object.fromEntries(PURGE_KINDS.map((k) => [k, 0])) as PurgeCounts;

/** Anything that ended before these times (ms since epoch) has expired. */
export interface RetentionCutoffs {
  /** Alerts rejected, marked false positive or resolved as a false alarm before this. */
  falsePositive: number;
  /** Alerts resolved true before this. */
  resolved: number;
  /** Unresolved alerts of cases closed before this. */
  closedCase: number;
  /** Replays (and the alerts they raised) that ended before this. */
  replay: number;
  /** Audit entries written before this. */
  audit: number;
}

export function retentionCutoffs(r: RetentionConfig, now: number): RetentionCutoffs {
  return {
    falsePositive: now - r.falsePositiveDays * DAY_MS,
    resolved: now - r.resolvedDays * DAY_MS,
    closedCase: now - r.closedCaseDays * DAY_MS,
    replay: now - r.replayDays * DAY_MS,
    audit: now - r.auditDays * DAY_MS,
  };
}

const countsSchema = z.record(z.enum(PURGE_KINDS), z.number().int());

/** The last purge run, as the retention worker records it (settings row `retention.lastRun`). */
export const retentionRunSchema = z.object({
  startedAt: z.number().int(),
  finishedAt: z.number().int(),
  /** Deleted so far: a failed run still reports what it deleted before the failure. */
  counts: countsSchema,
  /** Why the run stopped early; null: it finished. */
  error: z.string().nullable(),
});
export type RetentionRun = z.infer<typeof retentionRunSchema>;

/** The BullMQ job scheduler of the purge: one schedule however many retention workers run. */
export const PURGE_SCHEDULER_ID = 'retention-purge';

/** Settings row holding the last run (JSON RetentionRun). */
export const RETENTION_LAST_RUN = 'retention.lastRun';

/** One row of the policy: a kind of data, how long it lives, the key that sets it, and what deletes it. */
export interface PolicyRow {
  data: string;
  lifetime: string;
  configKey: string | null;
  deletedBy: string;
}

const days = (n: number) => `${n} days`;
const PURGE = 'retention worker (hourly purge job)';

/** The whole policy, with this configuration's figures (README states the same table with the defaults). */
export function retentionPolicy(r: RetentionConfig, bystanderSeconds: number, frameTtlSeconds: number): PolicyRow[] {
  return [
    {
      data: 'live identification results (track log: nearest perpetrator, distance, face box)',
      lifetime: `${bystanderSeconds} s per entry`,
      configKey: 'retention.bystanderSeconds',
      deletedBy: 'every append (XTRIM), the key TTL, and the purge over every camera',
    },
    {
      data: 'frames and face crops in Redis',
      lifetime: `${frameTtlSeconds} s`,
      configKey: 'ingest.frameTtlSeconds',
      deletedBy: 'Redis TTL',
    },
    {
      data: "a camera's rolling video buffer (bystanders in it)",
      lifetime: 'evidence.preSeconds + 2 segments + evidence.alertLatencySeconds',
      configKey: 'evidence.preSeconds',
      deletedBy: 'Redis TTL per segment',
    },
    {
      data: 'false-positive alerts (rejected, false positive, false alarm) with evidence, clips, deliveries',
      lifetime: `${days(r.falsePositiveDays)} after rejection`,
      configKey: 'retention.falsePositiveDays',
      deletedBy: `${PURGE}; at once when their perpetrator is deleted`,
    },
    {
      data: 'alerts resolved true with evidence, clips, deliveries',
      lifetime: `${days(r.resolvedDays)} after resolution`,
      configKey: 'retention.resolvedDays',
      deletedBy: PURGE,
    },
    {
      data: 'unresolved alerts of an open case',
      lifetime: 'until resolved, then as above',
      configKey: null,
      deletedBy: '-',
    },
    {
      data: 'unresolved alerts of a closed case',
      lifetime: `${days(r.closedCaseDays)} after the case closed`,
      configKey: 'retention.closedCaseDays',
      deletedBy: PURGE,
    },
    {
      data: 'replays: record, timeline, best frames, the alerts they raised',
      lifetime: `${days(r.replayDays)} after the replay ended`,
      configKey: 'retention.replayDays',
      deletedBy: PURGE,
    },
    {
      data: 'uploaded replay footage',
      lifetime: 'until the replay ends',
      configKey: null,
      deletedBy: 'the API, when it records the end',
    },
    {
      data: 'audit entries',
      lifetime: days(r.auditDays),
      configKey: 'retention.auditDays',
      deletedBy: PURGE,
    },
    {
      data: "a deleted perpetrator's photos and face templates",
      lifetime: 'none after the delete',
      configKey: null,
      deletedBy: 'DELETE /v1/perpetrators/:id, at once',
    },
  ];
}
