import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../../pipeline/config/index.js';
import type { Database } from '../database/database.js';
import { AlertRepository } from './alert.repository.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { AuditRepository } from './audit.repository.js';
import { CameraRepository } from './camera.repository.js';
import { CaseRepository } from './case.repository.js';
import { FileStore } from './file-store.repository.js';
import { keyringFromEnv } from '../../runtime/file-cipher.js';
import { OfficerRepository } from './officer.repository.js';
import { PerpetratorRepository } from './perpetrator.repository.js';
import { PipelineStateRepository } from './pipeline-state.repository.js';
import { ReplayRepository } from './replay.repository.js';
import { ReportRepository } from './report.repository.js';
import { RetentionRepository } from './retention.repository.js';
import { SettingsRepository } from './settings.repository.js';

/** Every repository over one database, one Redis connection and the data folder. */
export function createRepositories(
  cfg: Pick<Config, 'dataDir' | 'redisPrefix' | 'detect' | 'ingest'>,
  db: Database,
  redis: Redis,
) {
  const dataDir = resolve(cfg.dataDir);
  return {
    keys: new ApiKeyRepository(db),
    settings: new SettingsRepository(db),
    audit: new AuditRepository(db),
    perpetrators: new PerpetratorRepository(db),
    cases: new CaseRepository(db),
    cameras: new CameraRepository(db),
    officers: new OfficerRepository(db),
    alerts: new AlertRepository(db),
    replays: new ReplayRepository(db),
    reports: new ReportRepository(db),
    retention: new RetentionRepository(db),
    pipeline: new PipelineStateRepository(redis, cfg.redisPrefix, cfg.detect.partitions, cfg.ingest.frameTtlSeconds),
    ...fileStores(cfg),
  };
}

/** The stored files: enrolment photos and alert evidence, sealed with the environment's evidence keys when set. */
export function fileStores(cfg: Pick<Config, 'dataDir'>) {
  const dataDir = resolve(cfg.dataDir);
  const keyring = keyringFromEnv();
  return {
    photos: new FileStore(join(dataDir, 'photos'), keyring),
    evidence: new FileStore(join(dataDir, 'evidence'), keyring),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;
