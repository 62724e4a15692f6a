import { z } from 'zod';
import { ALERT_OUTCOMES } from '../../pipeline/programme-report.js';
import { queryTime, timestamp } from './common.dto.js';

const stepTimes = z
  .object({
    count: z.number().int().describe('alerts that reached the step'),
    medianSec: z.number().nullable(),
    p90Sec: z.number().nullable(),
  })
  .meta({ id: 'StepTimes' });

export const programmeReportSchema = z
  .object({
    from: timestamp,
    to: timestamp,
    cases: z.object({
      protected: z.number().int().describe('cases protected for some of the period'),
      opened: z.number().int(),
    }),
    sessions: z
      .object({ count: z.number().int(), protectedHours: z.number() })
      .describe('continuous stretches of protection (the window and daily hours)'),
    alerts: z.object({ total: z.number().int(), byKind: z.record(z.string(), z.number().int()) }),
    confirmedSightings: z.number().int().describe('face matches an operator confirmed'),
    falsePositives: z.number().int(),
    interceptions: z.number().int(),
    arrests: z.number().int(),
    outcomes: z.object({
      ...Object.fromEntries(ALERT_OUTCOMES.map((o) => [o, z.number().int()])),
      unrecorded: z.number().int().describe('resolved without an outcome (before outcomes were recorded)'),
    }),
    times: z
      .object({ toConfirmation: stepTimes, toAcknowledgement: stepTimes, toResolution: stepTimes })
      .describe('from the sighting (the SOS press, the camera going dark)'),
  })
  .meta({ id: 'ProgrammeReport' });

const DAY = 86_400_000;

export const programmeReportQuery = z
  .object({
    from: queryTime.optional().describe('ms, ISO 8601 or YYYY-MM-DD; default: 30 days before `to`'),
    to: queryTime.optional().describe('ms, ISO 8601 or YYYY-MM-DD (exclusive); default: now'),
    format: z.enum(['json', 'csv']).default('json').describe('csv: section,metric,value rows'),
  })
  .transform((q) => {
    const to = q.to ?? Date.now();
    return { from: q.from ?? to - 30 * DAY, to, format: q.format };
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] })
  .refine((q) => q.to - q.from <= 400 * DAY, { message: 'a report covers at most 400 days', path: ['from'] });
