import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from '../pipeline/config/index.js';
import { EVIDENCE_KEYS_ENV, parseKeyring } from './file-cipher.js';

/** A configuration that cannot be used; the message names the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment variables with a fixed meaning, and the config key each sets. */
const NAMED_ENV: Record<string, string[]> = {
  REDIS_URL: ['redisUrl'],
  REDIS_SENTINELS: ['redisSentinels'],
  REDIS_SENTINEL_NAME: ['redisSentinelName'],
  REDIS_CLUSTER_NODES: ['redisClusterNodes'],
  DATABASE_URL: ['databaseUrl'],
  WATCHPOST_DATA_DIR: ['dataDir'],
  WATCHPOST_REDIS_PREFIX: ['redisPrefix'],
  LOG_LEVEL: ['log', 'level'],
  LOG_FORMAT: ['log', 'format'],
};

/** `WATCHPOST__IDENTIFY__VOTES_K=3` sets identify.votesK. */
const GENERIC_ENV_PREFIX = 'WATCHPOST__';

const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function parseScalar(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`config file ${path} must be a YAML mapping`);
  return doc as Record<string, unknown>;
}

/**
 * Builds the configuration from, in rising priority: defaults, the YAML file
 * (`--config` or WATCHPOST_CONFIG), environment variables, explicit overrides.
 */
export function loadConfig(
  opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {},
): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.WATCHPOST_CONFIG;
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  for (const [name, path] of Object.entries(NAMED_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(GENERIC_ENV_PREFIX) || value === undefined) continue;
    setPath(raw, name.slice(GENERIC_ENV_PREFIX.length).split('__').map(camel), parseScalar(value));
  }
  for (const [key, value] of Object.entries(opts.overrides ?? {})) setPath(raw, key.split('.'), value);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration${file ? ` (${file})` : ''}:\n${lines.join('\n')}`);
  }
  try {
    parseKeyring(env[EVIDENCE_KEYS_ENV]);
  } catch (err) {
    // Secrets stay out of the config file; a key list that cannot be used still stops the start, named.
    throw new ConfigError(`invalid configuration: ${(err as Error).message}`);
  }
  return Object.freeze(result.data) as Config;
}
