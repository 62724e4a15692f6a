import { z } from 'zod';
import { ROLES } from '../http/roles.js';
import { timestamp } from './common.dto.js';

export const keyCreateSchema = z
  .object({ role: z.enum(ROLES), name: z.string().trim().min(1).max(200) })
  .strict()
  .meta({ id: 'KeyCreate' });
export const keySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    keyPrefix: z.string(),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export const keyCreatedSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(ROLES), key: z.string().describe('shown once') })
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
    ip: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().optional().describe('id to continue from (nextBefore of the previous page)'),
  action: z.string().optional(),
  targetType: z.string().optional(),
  targetId: z.string().optional(),
  actorKeyId: z.string().optional(),
});
export const auditPageSchema = z
  .object({ items: z.array(auditEntrySchema), nextBefore: z.number().int().nullable() })
  .meta({ id: 'AuditPage' });
