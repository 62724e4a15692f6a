import { z } from 'zod';
import { type MatchEvidenceSummary, matchEvidenceSchema } from '../pipeline/events.js';
import { ALERT_OUTCOMES, type AlertOutcome } from '../pipeline/programme-report.js';
import { CLIP_FILE_KINDS } from '../pipeline/queues.js';
import type { AlertTable, EvidenceTable, WebhookDeliveryTable } from '../storage/database/database.types.js';

/** The alert's public shape: API responses, SSE `data.alert` and webhook bodies are all inferred from here. */
const timestamp = z.number().int().describe('ms since epoch');

export const evidenceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['snapshot', 'face_crop', 'frame', ...CLIP_FILE_KINDS]),
    sha256: z.string(),
    bytes: z.number().int(),
    mime: z.string(),
    url: z.string().describe('GET it with an authorised key'),
    createdAt: timestamp,
  })
  .meta({ id: 'Evidence' });
export type EvidenceDto = z.infer<typeof evidenceSchema>;

export const ALERT_KINDS = ['match', 'camera_offline', 'sos'] as const;
/** pending_review: a face match the control room has not confirmed yet; new: sent to responders. */
export const ALERT_STATES = ['pending_review', 'new', 'acknowledged', 'resolved', 'false_positive'] as const;
/**
 * unconfirmed: nobody reviewed the match in time, responders got it anyway; no_officer_on_duty: nobody
 * on duty in the case's district, so it went to the fallback; nobody_reached: the fallback had nobody either;
 * evidence_tampered: a stored evidence file no longer matched its SHA-256 when read, so it was refused.
 */
export const ALERT_FLAGS = ['unconfirmed', 'no_officer_on_duty', 'nobody_reached', 'evidence_tampered'] as const;
export type AlertFlag = (typeof ALERT_FLAGS)[number];

export const alertSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    state: z.enum(ALERT_STATES),
    caseId: z.string().nullable(),
    cameraId: z.string().nullable(),
    perpetratorId: z.string().nullable(),
    perpetratorName: z.string().nullable(),
    distance: z.number().nullable().describe('best aggregated face distance (lower is closer)'),
    evidence: matchEvidenceSchema
      .nullable()
      .describe("a match's evidence: its strength (strong / moderate / weak) and the frames behind it; null otherwise"),
    eventCount: z.number().int().describe('events merged into this alert (dedup within the cooldown)'),
    firstSeen: timestamp,
    lastSeen: timestamp,
    replayId: z.string().nullable(),
    escalationLevel: z.number().int(),
    flags: z.array(z.enum(ALERT_FLAGS)),
    outcome: z.enum(ALERT_OUTCOMES).nullable().describe('what resolving it found; null until resolved'),
    details: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
    updatedAt: timestamp,
    // Each step of the alert's life, so sighting -> confirmation -> acknowledgement -> resolution can be measured.
    seenAt: timestamp.describe('when the face was first seen (the SOS press, the camera going dark)'),
    reviewDueAt: timestamp.nullable().describe('pending_review: when it goes to officers unconfirmed'),
    confirmedAt: timestamp.nullable(),
    reviewMissedAt: timestamp.nullable().describe('nobody reviewed it in time; sent unconfirmed'),
    dispatchedAt: timestamp.nullable().describe('first sent to responders'),
    acknowledgedAt: timestamp.nullable(),
    resolvedAt: timestamp.nullable(),
    rejectedAt: timestamp.nullable().describe('rejected in review, or marked a false positive'),
  })
  .meta({ id: 'Alert' });
export type AlertDto = z.infer<typeof alertSchema>;
export type AlertKind = AlertDto['kind'];
export type AlertState = AlertDto['state'];

export const alertActionSchema = z
  .object({ action: z.string(), actorName: z.string(), note: z.string().nullable(), at: timestamp })
  .meta({ id: 'AlertAction' });

export const deliverySchema = z
  .object({
    id: z.string().describe('the same on every retry: receivers deduplicate on it'),
    officerId: z.string(),
    officerName: z.string().nullable().describe('the recipient (null: the officer was deleted)'),
    officerBadge: z.string().nullable(),
    event: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'skipped']),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
    alarmedAt: timestamp.nullable().describe('when the delivery alarm was raised (alerts.deliveryAlarmSeconds)'),
  })
  .meta({ id: 'WebhookDelivery' });

export const alertDetailSchema = alertSchema
  .extend({
    actions: z.array(alertActionSchema),
    evidence: z.array(evidenceSchema),
    deliveries: z.array(deliverySchema),
  })
  .meta({ id: 'AlertDetail' });

export const alertDto = (a: AlertTable): AlertDto => ({
  id: a.id,
  kind: a.kind as AlertKind,
  state: a.state as AlertState,
  caseId: a.caseId,
  cameraId: a.cameraId,
  perpetratorId: a.perpetratorId,
  perpetratorName: a.perpetratorName,
  distance: a.distance,
  evidence: matchEvidenceOf(a.details),
  eventCount: a.eventCount,
  firstSeen: a.firstSeen,
  lastSeen: a.lastSeen,
  replayId: a.replayId,
  escalationLevel: a.escalationLevel,
  flags: parseFlags(a.flags),
  outcome: (a.outcome as AlertOutcome | null) ?? null,
  details: JSON.parse(a.details) as Record<string, unknown>,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  seenAt: a.firstSeen,
  reviewDueAt: a.reviewDueAt,
  confirmedAt: a.confirmedAt,
  reviewMissedAt: a.reviewMissedAt,
  dispatchedAt: a.dispatchedAt,
  acknowledgedAt: a.acknowledgedAt,
  resolvedAt: a.resolvedAt,
  rejectedAt: a.rejectedAt,
});

/** The best sighting's evidence, kept in the alert's details (alerts raised before it was kept have none). */
function matchEvidenceOf(details: string): MatchEvidenceSummary | null {
  const parsed = matchEvidenceSchema.safeParse((JSON.parse(details) as { evidence?: unknown }).evidence);
  return parsed.success ? parsed.data : null;
}

export const parseFlags = (json: string): AlertFlag[] => JSON.parse(json) as AlertFlag[];
/** The stored flags with `more` added, each once, in a stable order. */
export const withFlags = (json: string, more: readonly AlertFlag[]): string =>
  JSON.stringify(ALERT_FLAGS.filter((f) => parseFlags(json).includes(f) || more.includes(f)));

export const evidenceDto = (e: EvidenceTable): EvidenceDto => ({
  id: e.id,
  kind: e.kind as EvidenceDto['kind'],
  sha256: e.sha256,
  bytes: e.bytes,
  mime: e.mime,
  url: `/v1/alerts/${e.alertId}/evidence/${e.id}`,
  createdAt: e.createdAt,
});

export const deliveryDto = (
  d: WebhookDeliveryTable & { officerName?: string | null; officerBadge?: string | null },
): z.infer<typeof deliverySchema> => ({
  id: d.id,
  officerId: d.officerId,
  officerName: d.officerName ?? null,
  officerBadge: d.officerBadge ?? null,
  event: d.event,
  status: d.status as z.infer<typeof deliverySchema>['status'],
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  createdAt: d.createdAt,
  deliveredAt: d.deliveredAt,
  alarmedAt: d.alarmedAt,
});
