import { z } from 'zod';
import { timeInput, timestamp } from './common.dto.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
export const riskLevels = ['standard', 'medium', 'high', 'very_high'] as const;

export const activeHoursSchema = z
  .object({ from: hhmm, to: hhmm })
  .refine((h) => h.from !== h.to, 'from and to must differ')
  .describe('daily hours (case timezone) when alerts are raised; from > to spans midnight')
  .meta({ id: 'ActiveHours' });

export const caseCreateSchema = z
  .object({
    victimRef: z.string().trim().min(1).max(100).describe('reference in the force records system, not a name'),
    residence: z.string().trim().min(1).max(300).describe('address or site label of the protected residence'),
    district: z.string().trim().min(1).max(100).describe('patrol district whose officers on duty receive the alerts'),
    riskLevel: z.enum(riskLevels),
    perpetratorIds: z.array(z.string()).max(50).default([]),
    windowStart: timeInput.optional().describe('default: now'),
    windowEnd: timeInput.describe('at most 14 days after windowStart; renew to extend'),
    activeHours: activeHoursSchema.nullable().default(null),
    timezone: z.string().default('UTC').describe('IANA zone of activeHours'),
  })
  .strict()
  .meta({ id: 'CaseCreate' });

export const caseUpdateSchema = z
  .object({
    residence: z.string().trim().min(1).max(300),
    district: z.string().trim().min(1).max(100),
    riskLevel: z.enum(riskLevels),
    perpetratorIds: z.array(z.string()).max(50),
    activeHours: activeHoursSchema.nullable(),
    timezone: z.string(),
    status: z.enum(['open', 'closed']),
  })
  .partial()
  .strict()
  .meta({ id: 'CaseUpdate' });

export const caseRenewSchema = z
  .object({ windowEnd: timeInput.describe('new end, at most 14 days from now') })
  .strict()
  .meta({ id: 'CaseRenew' });

export const caseSchema = z
  .object({
    id: z.string(),
    victimRef: z.string(),
    residence: z.string(),
    district: z.string(),
    riskLevel: z.enum(riskLevels),
    perpetratorIds: z.array(z.string()),
    windowStart: timestamp,
    windowEnd: timestamp,
    activeHours: activeHoursSchema.nullable(),
    timezone: z.string(),
    status: z.enum(['open', 'closed']),
    /** Whether the case produces alerts right now, and why not. */
    protection: z.object({ active: z.boolean(), reason: z.string().optional() }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Case' });

export const caseCreatedSchema = caseSchema
  .extend({ sosToken: z.string().describe("the victim's panic-button token for POST /v1/cases/{id}/sos; shown once") })
  .meta({ id: 'CaseCreated' });

export const caseListQuery = z.object({
  status: z.enum(['open', 'closed']).optional(),
  district: z.string().optional(),
  perpetratorId: z.string().optional(),
});

export const sosSchema = z
  .object({
    eventId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('idempotency key: the same eventId never raises two alerts'),
    location: z
      .object({
        lat: z.number().min(-90).max(90),
        lon: z.number().min(-180).max(180),
        accuracyM: z.number().nonnegative().optional(),
      })
      .optional(),
    message: z.string().max(500).optional(),
    device: z.string().max(100).optional(),
  })
  .strict()
  .meta({ id: 'SosRequest' });

export const coverageSchema = z
  .object({
    from: timestamp,
    to: timestamp.describe('the next 24 h are checked'),
    gaps: z.array(
      z.object({
        caseId: z.string(),
        district: z.string(),
        from: timestamp.describe('protected but nobody on a shift in the district from here'),
        to: timestamp,
      }),
    ),
  })
  .meta({ id: 'Coverage' });
