import { z } from 'zod';
import { ROLES } from '../../audit/audit-context.js';
import { queryTime, timeInput, timestamp } from './common.dto.js';

const UNIT_MS = { h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
/** `90d`, `12h`, `2w`: how long a key lives (`keys create --expires 90d`). */
export const keyLifetime = z
  .string()
  .regex(/^[1-9]\d{0,4}[hdw]$/, 'a whole number of hours, days or weeks, e.g. 12h, 90d, 2w')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.slice(-1) as keyof typeof UNIT_MS]);

export const keyCreateSchema = z
  .object({
    role: z.enum(ROLES),
    name: z.string().trim().min(1).max(200).optional().describe("default: the officer's name"),
    officerId: z
      .string()
      .optional()
      .describe('an officer key: the officer (or guard) it belongs to and acts as (required)'),
    expiresIn: keyLifetime.optional().describe('lifetime from now: 12h, 90d, 2w'),
    expiresAt: timeInput.optional().describe('or the moment it ends (ms or ISO 8601)'),
  })
  .strict()
  .refine((b) => !(b.expiresIn && b.expiresAt), 'give expiresIn or expiresAt, not both')
  .refine((b) => (b.role === 'officer') === Boolean(b.officerId), {
    message: 'an officer key needs officerId, and only officer keys have one',
    path: ['officerId'],
  })
  .refine((b) => b.officerId || b.name, { message: 'name is required', path: ['name'] })
  .meta({ id: 'KeyCreate' });
export const keySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    officerId: z.string().nullable().describe('the officer an officer key acts as'),
    keyPrefix: z.string(),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable().describe('last request with the key (to the minute)'),
    revokedAt: timestamp.nullable(),
    expiresAt: timestamp.nullable().describe('refused from then on; null: until revoked'),
  })
  .meta({ id: 'ApiKey' });
export const keyCreatedSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    officerId: z.string().nullable(),
    expiresAt: timestamp.nullable(),
    key: z.string().describe('shown once'),
  })
  .meta({ id: 'ApiKeyCreated' });

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: timestamp,
    actorKeyId: z.string().nullable(),
    actorName: z.string(),
    role: z.string().nullable(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
    ip: z.string().nullable().describe("the client's address"),
    outcome: z.string().describe("what came of it: 'ok', or e.g. 'denied', 'not_found', 'refused' (detail.outcome)"),
    prevHash: z.string().nullable().describe("the previous entry's hash (the chain's link)"),
    hash: z
      .string()
      .nullable()
      .describe('sha256 over this entry and prevHash; `watchpost audit verify` checks the chain'),
  })
  .meta({ id: 'AuditEntry' });

export const auditListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('a JSON page (CSV: every matching entry)'),
  before: z.coerce.number().int().optional().describe('id to continue from (nextBefore of the previous page)'),
  action: z.string().optional(),
  targetType: z.string().optional(),
  targetId: z.string().optional(),
  actorKeyId: z.string().optional(),
  from: queryTime.optional().describe('entries at or after: ms, ISO 8601 or YYYY-MM-DD'),
  to: queryTime.optional().describe('entries before: ms, ISO 8601 or YYYY-MM-DD'),
  format: z.enum(['json', 'csv']).default('json').describe('csv: every matching entry, newest first, one per row'),
});
export const auditPageSchema = z
  .object({ items: z.array(auditEntrySchema), nextBefore: z.number().int().nullable() })
  .meta({ id: 'AuditPage' });
