import { z } from 'zod';
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
export const ALERT_STATES = ['new', 'acknowledged', 'resolved', 'false_positive'] as const;

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
    eventCount: z.number().int().describe('events merged into this alert (dedup within the cooldown)'),
    firstSeen: timestamp,
    lastSeen: timestamp,
    replayId: z.string().nullable(),
    escalationLevel: z.number().int(),
    details: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
    updatedAt: timestamp,
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
  eventCount: a.eventCount,
  firstSeen: a.firstSeen,
  lastSeen: a.lastSeen,
  replayId: a.replayId,
  escalationLevel: a.escalationLevel,
  details: JSON.parse(a.details) as Record<string, unknown>,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

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
