import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../pipeline/config/index.js';
import type { Logger } from '../runtime/logger.js';
import type { Database } from './database/database.js';
import { AlertRepository } from './repositories/alert.repository.js';
import { ApiKeyRepository } from './repositories/api-key.repository.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { CameraRepository } from './repositories/camera.repository.js';
import { CaseRepository } from './repositories/case.repository.js';
import { FileStore } from './repositories/file-store.repository.js';
import { OfficerRepository } from './repositories/officer.repository.js';
import { PerpetratorRepository } from './repositories/perpetrator.repository.js';
import { PipelineStateRepository } from './repositories/pipeline-state.repository.js';
import { SettingsRepository } from './repositories/settings.repository.js';
import { AlertService, type AlertOutbox } from './services/alert.service.js';
import { AuditService } from './services/audit.service.js';
import { AuthService } from './services/auth.service.js';
import { CameraService } from './services/camera.service.js';
import { CaseService } from './services/case.service.js';
import { EvidenceService } from './services/evidence.service.js';
import { loadFaceEnroller, type FaceEnroller } from './services/face-enroller.js';
import { OfficerService } from './services/officer.service.js';
import { PerpetratorService } from './services/perpetrator.service.js';
import { WatchlistService } from './services/watchlist.service.js';

export interface CoreDeps {
  cfg: Config;
  log: Logger;
  db: Database;
  /** Fail-fast connection (request paths). */
  redis: Redis;
  outbox: AlertOutbox;
  /** Called after each journal commit with its sequence number. */
  journalGrew: (seq: number) => void;
  /** Overrides the face chain (tests without prepared models use the real one anyway when present). */
  faceEnroller?: () => Promise<FaceEnroller>;
}

/** Repositories and services, wired once; shared by the HTTP server and the alerts worker. */
export function createCore(d: CoreDeps) {
  const dataDir = resolve(d.cfg.dataDir);
  const repos = {
    keys: new ApiKeyRepository(d.db),
    settings: new SettingsRepository(d.db),
    audit: new AuditRepository(d.db),
    perpetrators: new PerpetratorRepository(d.db),
    cases: new CaseRepository(d.db),
    cameras: new CameraRepository(d.db),
    officers: new OfficerRepository(d.db),
    alerts: new AlertRepository(d.db),
    pipeline: new PipelineStateRepository(d.redis, d.cfg.redisPrefix, d.cfg.detect.partitions),
    photos: new FileStore(join(dataDir, 'photos')),
    evidence: new FileStore(join(dataDir, 'evidence')),
  };
  let enroller: Promise<FaceEnroller> | null = null;
  const getEnroller = () => {
    enroller ??= (d.faceEnroller ?? (() => loadFaceEnroller(d.cfg)))();
    enroller.catch(() => (enroller = null));
    return enroller;
  };
  const embedderId = async () => {
    const loaded = enroller ? await enroller.catch(() => null) : null;
    return loaded?.embedderId ?? (await repos.perpetrators.latestEmbedder()) ?? d.cfg.models.faceEmbedder.family;
  };
  const audit = new AuditService(repos.audit);
  const watchlist = new WatchlistService(
    repos.perpetrators,
    repos.cases,
    repos.cameras,
    repos.pipeline,
    d.log,
    embedderId,
  );
  const changed = () => watchlist.changed();
  // The ingest worker rewrites a live camera's status every second; three offline periods of silence mean it died.
  const staleStatusMs = 3 * d.cfg.ingest.offlineSeconds * 1000;
  const services = {
    audit,
    watchlist,
    auth: new AuthService(repos.keys, repos.cases, repos.settings),
    perpetrators: new PerpetratorService(repos.perpetrators, repos.cases, repos.photos, audit, getEnroller, changed),
    cases: new CaseService(repos.cases, repos.officers, audit, changed),
    cameras: new CameraService(repos.cameras, repos.cases, repos.pipeline, audit, changed, staleStatusMs),
    officers: new OfficerService(repos.officers, audit),
    alerts: new AlertService(
      d.cfg,
      repos.alerts,
      repos.cases,
      repos.cameras,
      repos.officers,
      repos.pipeline,
      new EvidenceService(repos.evidence),
      audit,
      d.outbox,
      d.journalGrew,
      d.log,
    ),
  };
  return { cfg: d.cfg, repos, services, staleStatusMs };
}
export type Core = ReturnType<typeof createCore>;
