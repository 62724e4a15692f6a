import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../pipeline/config/index.js';
import type { Logger } from '../runtime/logger.js';
import type { OpenDatabase } from '../storage/database/database.js';
import type { Repositories } from '../storage/repositories/index.js';
import { AlertEscalationService } from './alert-escalation.service.js';
import { AlertIntakeService } from './alert-intake.service.js';
import { AlertDispatch } from './alert-dispatch.js';
import { AlertReviewService } from './alert-review.service.js';
import { AlertLedger, type AlertOutbox, type EventOutcome } from './alert-ledger.js';
import { AlertClipsService } from './alert-clips.service.js';
import { AlertService } from './alert.service.js';
import { EvidenceService } from './evidence.service.js';
import { EvidenceExportService } from './evidence-export.service.js';
import { RetentionService } from './retention.service.js';
import { EvidenceTamperAlarm } from './evidence-integrity.js';

export interface AlertingDeps {
  cfg: Config;
  log: Logger;
  repos: Repositories;
  audit: AuditService;
  outbox: AlertOutbox;
  /** Called after each journal commit with its sequence number (SSE hubs and Redis notices). */
  journalGrew: (seq: number) => void;
}

/** The alert services, wired once per process (the API and the alerts worker share them when in one process). */
export function createAlerting(d: AlertingDeps) {
  const ledger = new AlertLedger(d.cfg, d.repos.alerts, d.outbox, d.journalGrew, d.log);
  const evidence = new EvidenceService(d.repos.evidence);
  const alerts = new AlertService(ledger, evidence, d.audit, new EvidenceTamperAlarm(ledger, d.audit, d.log));
  const dispatch = new AlertDispatch(d.cfg, d.repos.officers, d.audit);
  return {
    intake: new AlertIntakeService(
      d.cfg,
      ledger,
      d.repos.cases,
      d.repos.cameras,
      d.repos.pipeline,
      evidence,
      d.audit,
      dispatch,
      d.repos.perpetrators,
    ),
    alerts,
    review: new AlertReviewService(d.cfg, ledger, dispatch, d.repos.cases, d.repos.officers, d.audit),
    exports: new EvidenceExportService(d.cfg, alerts, d.repos.audit, d.audit),
    clips: new AlertClipsService(d.cfg, ledger, d.repos.pipeline, evidence, d.repos.cameras, d.log),
    escalation: new AlertEscalationService(d.cfg, ledger, d.repos.cases, d.repos.officers, d.audit),
    /** The policy's deletions: the purge (retention worker), a perpetrator's false positives at once, the last run. */
    retention: new RetentionService({ cfg: d.cfg, repos: d.repos, audit: d.audit, log: d.log }),
  };
}
export type Alerting = ReturnType<typeof createAlerting>;

/** What a process that already has the database and alert services hands to an alerts worker it hosts. */
export interface SharedAlerting {
  database: OpenDatabase;
  repos: Repositories;
  alerting: Alerting;
  /** Called with each processed event's outcome (the API's metrics). */
  onOutcome?: (outcome: EventOutcome) => void;
}
