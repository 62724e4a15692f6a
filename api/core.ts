import type { Redis } from 'ioredis';
import { AuditService } from '../audit/audit.service.js';
import type { AlertOutbox } from '../alerting/alert-ledger.js';
import { createAlerting } from '../alerting/alerting.js';
import type { Config } from '../pipeline/config/index.js';
import { staleStatusMs } from '../pipeline/ingest-silence.js';
import type { Logger } from '../runtime/logger.js';
import type { Database } from '../storage/database/database.js';
import { createRepositories } from '../storage/repositories/index.js';
import { AuthService } from './services/auth.service.js';
import { CameraService } from './services/camera.service.js';
import { CaseService } from './services/case.service.js';
import { CoverageService } from './services/coverage.service.js';
import { loadFaceEnroller, type FaceEnroller } from './services/face-enroller.js';
import { OfficerService } from './services/officer.service.js';
import { PerpetratorService } from './services/perpetrator.service.js';
import { ReportService } from './services/report.service.js';
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

/** The API's repositories and services, wired once; an alerts worker in the same process shares its alerting. */
export function createCore(d: CoreDeps) {
  const repos = createRepositories(d.cfg, d.db, d.redis);
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
  const alerting = createAlerting({
    cfg: d.cfg,
    log: d.log,
    repos,
    audit,
    outbox: d.outbox,
    journalGrew: d.journalGrew,
  });
  const services = {
    audit,
    watchlist,
    auth: new AuthService(repos.keys, repos.cases, repos.settings, repos.officers),
    perpetrators: new PerpetratorService(
      repos.perpetrators,
      repos.cases,
      repos.photos,
      audit,
      getEnroller,
      changed,
      d.log,
      (id) => alerting.retention.forgetPerpetrator(id),
    ),
    cases: new CaseService(repos.cases, repos.officers, audit, changed),
    coverage: new CoverageService(repos.cases, repos.officers),
    cameras: new CameraService(repos.cameras, repos.cases, repos.pipeline, audit, changed, staleStatusMs(d.cfg), {
      hintBelowPx: d.cfg.identify.faceSizeHintPx,
      minSamples: d.cfg.identify.faceSizeHintSamples,
    }),
    officers: new OfficerService(repos.officers, repos.cases, audit),
    reports: new ReportService(repos.reports, audit),
  };
  return { cfg: d.cfg, repos, services, alerting, embedderId };
}
export type Core = ReturnType<typeof createCore>;
