import { z } from 'zod';
import { PURGE_KINDS } from '../../pipeline/retention.js';
import { timestamp } from './common.dto.js';

const counts = z.record(z.enum(PURGE_KINDS), z.number().int()).describe('deleted, per kind');

export const retentionStatusSchema = z
  .object({
    policy: z
      .array(
        z.object({
          data: z.string(),
          lifetime: z.string(),
          configKey: z.string().nullable().describe('the configuration key that sets the lifetime'),
          deletedBy: z.string(),
        }),
      )
      .describe('the whole policy, with this deployment’s figures'),
    everySeconds: z.number().int().describe('how often the purge runs (retention.purgeEverySeconds)'),
    lastRun: z
      .object({ startedAt: timestamp, finishedAt: timestamp, counts, error: z.string().nullable() })
      .nullable()
      .describe('null before the first run'),
    nextRunAt: timestamp.nullable().describe('null: no retention worker has scheduled the purge (none running?)'),
  })
  .meta({ id: 'RetentionStatus' });

export const retentionRunQueuedSchema = z.object({ jobId: z.string() }).meta({ id: 'RetentionRunQueued' });
