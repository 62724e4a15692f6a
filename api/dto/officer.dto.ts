import { z } from 'zod';
import { timeInput, timestamp } from './common.dto.js';

const webhookUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const RESPONDER_KINDS = ['officer', 'guard'] as const;

export const officerCreateSchema = z
  .object({
    kind: z
      .enum(RESPONDER_KINDS)
      .default('officer')
      .describe("officer: police, of a district; guard: a contracted guard at one case's residence"),
    name: z.string().trim().min(1).max(200),
    badge: z.string().trim().min(1).max(50).describe("badge number (a guard's licence number)"),
    district: z.string().trim().min(1).max(100).optional().describe("an officer's district; a guard's is the case's"),
    caseId: z.string().optional().describe("a guard's case: its alerts reach the guard on duty first"),
    supervisor: z.boolean().default(false).describe('receives escalations of unacknowledged alerts'),
    webhookUrl: webhookUrl.nullable().default(null),
  })
  .strict()
  .refine((o) => o.kind === 'guard' || o.district, { message: 'an officer needs a district', path: ['district'] })
  .refine((o) => o.kind === 'officer' || o.caseId, { message: 'a guard needs a caseId', path: ['caseId'] })
  .refine((o) => o.kind === 'guard' || !o.caseId, { message: 'only guards belong to a case', path: ['caseId'] })
  .refine((o) => o.kind === 'officer' || !o.supervisor, { message: 'guards are not supervisors', path: ['supervisor'] })
  .meta({ id: 'OfficerCreate' });

export const officerUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    district: z.string().trim().min(1).max(100),
    supervisor: z.boolean(),
    webhookUrl: webhookUrl.nullable(),
  })
  .partial()
  .strict()
  .meta({ id: 'OfficerUpdate' });

export const officerSchema = z
  .object({
    id: z.string(),
    kind: z.enum(RESPONDER_KINDS),
    name: z.string(),
    badge: z.string(),
    district: z.string(),
    caseId: z.string().nullable().describe("a guard's case"),
    supervisor: z.boolean(),
    webhookUrl: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Officer' });

export const officerWithSecretSchema = officerSchema
  .extend({
    webhookSecret: z
      .string()
      .nullable()
      .describe('HMAC-SHA256 key for X-Watchpost-Signature; shown only when set or rotated'),
  })
  .meta({ id: 'OfficerWithSecret' });

export const shiftCreateSchema = z
  .object({
    officerId: z.string(),
    district: z.string().trim().min(1).max(100).optional().describe("default: the officer's district"),
    startsAt: timeInput,
    endsAt: timeInput,
  })
  .strict()
  .refine((s) => s.endsAt > s.startsAt, { message: 'endsAt must be after startsAt', path: ['endsAt'] })
  .refine((s) => s.endsAt - s.startsAt <= 24 * 3600_000, {
    message: 'a shift lasts at most 24 hours',
    path: ['endsAt'],
  })
  .meta({ id: 'ShiftCreate' });

export const shiftSchema = z
  .object({
    id: z.string(),
    officerId: z.string(),
    district: z.string(),
    startsAt: timestamp,
    endsAt: timestamp,
    createdAt: timestamp,
  })
  .meta({ id: 'Shift' });

export const shiftListQuery = z.object({
  from: z.coerce.number().int().optional().describe('default: now'),
  to: z.coerce.number().int().optional().describe('default: from + 24 h'),
  district: z.string().optional(),
  officerId: z.string().optional(),
});

export const onDutySchema = z
  .object({
    caseId: z.string(),
    district: z.string(),
    at: timestamp,
    officers: z.array(officerSchema.extend({ shiftId: z.string(), shiftStartsAt: timestamp, shiftEndsAt: timestamp })),
  })
  .meta({ id: 'OnDuty' });

export const officerListQuery = z.object({
  district: z.string().optional(),
  kind: z.enum(RESPONDER_KINDS).optional(),
  caseId: z.string().optional().describe("a case's guards"),
});
