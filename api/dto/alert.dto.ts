import { z } from 'zod';
import { ALERT_KINDS, ALERT_STATES } from '../../alerting/alert.dto.js';
import { timestamp } from './common.dto.js';
import { ALERT_OUTCOMES } from '../../pipeline/programme-report.js';

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const alertListQuery = z.object({
  state: csv(ALERT_STATES).optional().describe('comma-separated states'),
  kind: z.enum(ALERT_KINDS).optional(),
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

export const alertResolveSchema = z
  .object({
    outcome: z.enum(ALERT_OUTCOMES).describe('what happened: intercepted, arrested, no_contact, false_alarm'),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .meta({ id: 'AlertResolve' });

export const streamTicketSchema = z.object({ ticket: z.string(), expiresAt: timestamp }).meta({ id: 'StreamTicket' });
