import { z } from 'zod';
import { timestamp } from './common.dto.js';

export const alertKinds = ['match', 'camera_offline', 'sos'] as const;
export const alertStates = ['new', 'acknowledged', 'resolved', 'false_positive'] as const;

export const evidenceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['snapshot', 'face_crop', 'frame']),
    sha256: z.string(),
    bytes: z.number().int(),
    mime: z.string(),
    url: z.string().describe('GET it with an authorised key'),
    createdAt: timestamp,
  })
  .meta({ id: 'Evidence' });

export const alertSchema = z
  .object({
    id: z.string(),
    kind: z.enum(alertKinds),
    state: z.enum(alertStates),
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

export const alertActionSchema = z
  .object({ action: z.string(), actorName: z.string(), note: z.string().nullable(), at: timestamp })
  .meta({ id: 'AlertAction' });

export const deliverySchema = z
  .object({
    id: z.string(),
    officerId: z.string(),
    event: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'skipped']),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const alertDetailSchema = alertSchema
  .extend({
    actions: z.array(alertActionSchema),
    evidence: z.array(evidenceSchema),
    deliveries: z.array(deliverySchema),
  })
  .meta({ id: 'AlertDetail' });

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const alertListQuery = z.object({
  state: csv(alertStates).optional().describe('comma-separated states'),
  kind: z.enum(alertKinds).optional(),
  caseId: z.string().optional(),
  cameraId: z.string().optional(),
  perpetratorId: z.string().optional(),
  since: z.coerce.number().int().optional().describe('created at or after (ms)'),
  until: z.coerce.number().int().optional().describe('created before (ms)'),
  replay: z.enum(['exclude', 'only', 'include']).default('exclude').describe('alerts from analysts replays'),
  replayId: z.string().optional(),
});

export const alertTransitionSchema = z
  .object({ note: z.string().max(2000).optional() })
  .strict()
  .meta({ id: 'AlertTransition' });

export const streamTicketSchema = z.object({ ticket: z.string(), expiresAt: timestamp }).meta({ id: 'StreamTicket' });
