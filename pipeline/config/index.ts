import { z } from 'zod';
import { alertsSchema } from './alerts.js';
import { apiSchema } from './api.js';
import { detectSchema } from './detect.js';
import { evidenceSchema } from './evidence.js';
import { identifySchema } from './identify.js';
import { cameraSchema, ingestSchema } from './ingest.js';
import { modelsSchema } from './models.js';
import { retentionSchema } from './retention.js';
import { cameraUrlProblem } from '../safe-targets.js';

export { cameraSchema, type CameraConfig } from './ingest.js';
export { bystanderSeconds } from './retention.js';

/** `host:port,host:port`, as REDIS_SENTINELS and REDIS_CLUSTER_NODES take them. */
const hostPortList = z
  .string()
  .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'expected host:port,host:port');

/**
 * The whole configuration. Every section and key has a default, so an empty file is valid;
 * unknown keys are refused (a typo must not silently fall back to a default).
 */
export const configSchema = z
  .object({
    /** Redis server; unset (and no Sentinel or Cluster below): a private redis-server child process is started. */
    redisUrl: z.string().url().optional(),
    /** Redis Sentinels, `host:port,host:port`: every process connects to the primary they name, and follows a fail-over. */
    redisSentinels: hostPortList.optional(),
    /** The primary's name in the Sentinels' configuration (`sentinel monitor <name> ...`). */
    redisSentinelName: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .optional(),
    /** Redis Cluster nodes, `host:port,host:port` (some of them: the client discovers the rest). */
    redisClusterNodes: hostPortList.optional(),
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
    evidence: evidenceSchema.prefault({}),
    api: apiSchema.prefault({}),
    retention: retentionSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    cfg.cameras.forEach((c, i) => {
      const problem = cameraUrlProblem(c.url, cfg.ingest);
      if (problem) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'url'], message: problem });
    });
    const named = [
      cfg.redisUrl && 'REDIS_URL',
      cfg.redisSentinels && 'REDIS_SENTINELS',
      cfg.redisClusterNodes && 'REDIS_CLUSTER_NODES',
    ].filter(Boolean);
    if (named.length > 1)
      ctx.addIssue({ code: 'custom', path: ['redisUrl'], message: `set one Redis: ${named.join(', ')} are all set` });
    if (cfg.redisSentinels && !cfg.redisSentinelName)
      ctx.addIssue({
        code: 'custom',
        path: ['redisSentinelName'],
        message: 'REDIS_SENTINELS needs REDIS_SENTINEL_NAME (the monitored primary)',
      });
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
