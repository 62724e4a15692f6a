import { z } from 'zod';
import { alertsSchema } from './alerts.js';
import { apiSchema } from './api.js';
import { detectSchema } from './detect.js';
import { identifySchema } from './identify.js';
import { cameraSchema, ingestSchema } from './ingest.js';
import { modelsSchema } from './models.js';
import { retentionSchema } from './retention.js';
import { cameraUrlProblem } from '../safe-targets.js';

export { cameraSchema, type CameraConfig } from './ingest.js';
export { bystanderSeconds } from './retention.js';

/**
 * The whole configuration. Every section and key has a default, so an empty file is valid;
 * unknown keys are refused (a typo must not silently fall back to a default).
 */
export const configSchema = z
  .object({
    /** Redis server; unset: a private redis-server child process is started. */
    redisUrl: z.string().url().optional(),
    /** PostgreSQL URL; unset: SQLite in <dataDir>/watchpost.db. */
    databaseUrl: z.string().optional(),
    /** Folder for the SQLite database, evidence, model cache. */
    dataDir: z.string().default('./data'),
    /** Prefix of every Redis key and queue, so several deployments (or tests) share a server. */
    redisPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_:-]+$/)
      .default('wp'),
    log: z
      .object({
        /** Least severe log level written. */
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** pretty: human-readable lines for a terminal; json: one object per line; auto: pretty on a TTY. */
        format: z.enum(['auto', 'pretty', 'json']).default('auto'),
      })
      .strict()
      .prefault({}),
    /** Cameras watched from start-up; cameras registered through the API are added to these. */
    cameras: z.array(cameraSchema).default([]),
    ingest: ingestSchema.prefault({}),
    detect: detectSchema.prefault({}),
    identify: identifySchema.prefault({}),
    models: modelsSchema.prefault({}),
    alerts: alertsSchema.prefault({}),
    api: apiSchema.prefault({}),
    retention: retentionSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    cfg.cameras.forEach((c, i) => {
      const problem = cameraUrlProblem(c.url, cfg.ingest);
      if (problem) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'url'], message: problem });
    });
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
