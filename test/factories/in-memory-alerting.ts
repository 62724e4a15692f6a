import type { ClipJob } from '../../pipeline/queues.js';
import { AuditService } from '../../audit/audit.service.js';
import { AlertEscalationService } from '../../alerting/alert-escalation.service.js';
import { AlertIntakeService } from '../../alerting/alert-intake.service.js';
import { AlertDispatch } from '../../alerting/alert-dispatch.js';
import { AlertReviewService } from '../../alerting/alert-review.service.js';
import { AlertLedger, type AlertOutbox } from '../../alerting/alert-ledger.js';
import { AlertClipsService } from '../../alerting/alert-clips.service.js';
import { AlertService } from '../../alerting/alert.service.js';
import { evidenceSchema } from '../../pipeline/config/evidence.js';
import { EvidenceService } from '../../alerting/evidence.service.js';
import type { Config } from '../../pipeline/config/index.js';
import type { MatchEvent } from '../../pipeline/events.js';
import { createLogger } from '../../runtime/logger.js';
import type {
  AlertActionTable,
  AlertTable,
  AuditTable,
  CameraTable,
  CaseTable,
  EvidenceTable,
  OfficerTable,
  ShiftTable,
  WebhookDeliveryTable,
} from '../../storage/database/database.types.js';
import type { AlertFilter, AlertRepository } from '../../storage/repositories/alert.repository.js';
import type { AuditRepository } from '../../storage/repositories/audit.repository.js';
import type { CameraRepository } from '../../storage/repositories/camera.repository.js';
import type { CaseRepository } from '../../storage/repositories/case.repository.js';
import { EvidenceTamperAlarm } from '../../alerting/evidence-integrity.js';
import type { FileStore } from '../../storage/repositories/file-store.repository.js';
import type { OfficerRepository } from '../../storage/repositories/officer.repository.js';
import type { PerpetratorRepository } from '../../storage/repositories/perpetrator.repository.js';
import type { PipelineStateRepository } from '../../storage/repositories/pipeline-state.repository.js';

const OPEN = new Set(['pending_review', 'new', 'acknowledged']);

/** The alert tables in memory, with the AlertRepository methods the alert services use. */
export class InMemoryAlerts {
  alerts = new Map<string, AlertTable>();
  sources = new Map<string, string>();
  actions: Omit<AlertActionTable, 'id'>[] = [];
  journal: { seq: number; alertId: string; type: string; payload: string }[] = [];
  evidenceRows: EvidenceTable[] = [];
  deliveryRows: WebhookDeliveryTable[] = [];

  async transaction<T>(fn: (repo: AlertRepository) => Promise<T>): Promise<T> {
    // Copy-on-write: a throw leaves nothing behind, as a rolled-back transaction would.
    const saved = structuredClone({
      alerts: this.alerts,
      sources: this.sources,
      actions: this.actions,
      journal: this.journal,
      evidenceRows: this.evidenceRows,
      deliveryRows: this.deliveryRows,
    });
    try {
      return await fn(this as unknown as AlertRepository);
    } catch (err) {
      Object.assign(this, saved);
      throw err;
    }
  }
  async alertIdOfEvent(eventId: string) {
    return this.sources.get(eventId);
  }
  async insertSource(eventId: string, alertId: string) {
    if (this.sources.has(eventId)) throw new Error(`UNIQUE constraint failed: alertSources.eventId ${eventId}`);
    this.sources.set(eventId, alertId);
  }
  async findOpen(f: Parameters<AlertRepository['findOpen']>[0]) {
    return [...this.alerts.values()]
      .filter(
        (a) =>
          a.kind === f.kind &&
          OPEN.has(a.state) &&
          a.lastSeen >= f.since &&
          (f.until === undefined || a.firstSeen <= f.until) &&
          (f.perpetratorId === undefined || a.perpetratorId === f.perpetratorId) &&
          (f.cameraId === undefined || a.cameraId === f.cameraId) &&
          (f.caseId === undefined || a.caseId === f.caseId) &&
          a.replayId === (f.replayId ?? null),
      )
      .sort((a, b) => b.lastSeen - a.lastSeen)[0];
  }
  async insert(row: AlertTable) {
    this.alerts.set(row.id, { ...row });
  }
  async update(id: string, patch: Partial<AlertTable>) {
    const a = this.alerts.get(id);
    if (a) Object.assign(a, patch);
  }
  async transition(id: string, from: readonly string[], patch: Partial<AlertTable>) {
    const a = this.alerts.get(id);
    if (!a || !from.includes(a.state)) return false;
    Object.assign(a, patch);
    return true;
  }
  async get(id: string) {
    const a = this.alerts.get(id);
    return a && { ...a };
  }
  async list(f: AlertFilter) {
    return [...this.alerts.values()]
      .filter((a) => !f.state?.length || f.state.includes(a.state))
      .filter((a) => (f.replay === 'exclude' ? a.replayId === null : true))
      .slice(0, f.limit);
  }
  async insertAction(a: Omit<AlertActionTable, 'id'>) {
    this.actions.push(a);
  }
  async appendEvent(e: { alertId: string; type: string; payload: string; at: number }) {
    const seq = this.journal.length + 1;
    this.journal.push({ seq, ...e });
    return seq;
  }
  async insertEvidence(rows: EvidenceTable[]) {
    this.evidenceRows.push(...rows);
  }
  async insertDeliveries(rows: WebhookDeliveryTable[]) {
    this.deliveryRows.push(...rows.map((r) => ({ ...r })));
  }
  async deliveries(alertId: string) {
    return this.deliveryRows.filter((d) => d.alertId === alertId);
  }
  async deliveriesWithRecipient(alertId: string) {
    return this.deliveries(alertId);
  }
  async markAlarmed(id: string, at: number) {
    const d = this.deliveryRows.find((r) => r.id === id);
    if (!d || d.alarmedAt !== null) return false;
    d.alarmedAt = at;
    return true;
  }
  async notifiedOfficers(alertId: string) {
    return new Set(this.deliveryRows.filter((d) => d.alertId === alertId).map((d) => d.officerId));
  }
}

/** Cases, cameras, officers and shifts in memory, with the read methods the alert services use. */
export class InMemoryPeople {
  cases = new Map<string, CaseTable>();
  cameras = new Map<string, CameraTable>();
  officers = new Map<string, OfficerTable>();
  shifts: ShiftTable[] = [];

  /** Perpetrators watched on every camera. */
  everywhere = new Set<string>();
  readonly perpetratorRepo = {
    get: async (id: string) => ({ id, watchEverywhere: this.everywhere.has(id) ? 1 : 0 }),
  } as unknown as PerpetratorRepository;
  /** caseId -> perpetrator ids on the case. */
  links = new Map<string, string[]>();
  readonly caseRepo = {
    get: async (id: string) => this.cases.get(id),
    links: async (ids: string[]) => new Map(ids.map((id) => [id, this.links.get(id) ?? []])),
  } as unknown as CaseRepository;
  readonly cameraRepo = {
    get: async (id: string) => this.cameras.get(id),
    list: async (f: { limit: number; caseId?: string }) =>
      [...this.cameras.values()].filter((c) => !f.caseId || c.caseId === f.caseId).slice(0, f.limit),
  } as unknown as CameraRepository;
  readonly officerRepo = {
    get: async (id: string) => this.officers.get(id),
    onDuty: async (district: string, at: number) =>
      this.shifts
        .filter((s) => s.district === district && s.startsAt <= at && s.endsAt > at)
        .sort((a, b) => a.startsAt - b.startsAt)
        .map((s) => ({ ...this.officers.get(s.officerId)!, shiftId: s.id, startsAt: s.startsAt, endsAt: s.endsAt })),
    supervisorsOnDuty: async (at: number) =>
      this.shifts
        .filter((s) => s.startsAt <= at && s.endsAt > at)
        .map((s) => this.officers.get(s.officerId)!)
        .filter((o) => o.supervisor === 1)
        .sort((a, b) => a.id.localeCompare(b.id)),
  } as unknown as OfficerRepository;

  addCase(id: string, district: string, over: Partial<CaseTable> = {}, perpetratorIds = ['prp-1']) {
    const now = Date.now();
    this.links.set(id, perpetratorIds);
    this.cases.set(id, {
      id,
      victimRef: `V-${id}`,
      residence: '12 Example Road',
      district,
      riskLevel: 'very_high',
      windowStart: now - 3600_000,
      windowEnd: now + 24 * 3600_000,
      activeHours: null,
      timezone: 'UTC',
      status: 'open',
      sosTokenHash: `hash-${id}`,
      createdAt: now,
      updatedAt: now,
      ...over,
    });
  }
  addCamera(id: string, caseId: string | null) {
    this.cameras.set(id, { id, name: id, url: 'rtsp://camera', caseId, fps: null, createdAt: 0, updatedAt: 0 });
  }
  /** An officer on a shift in `district` covering now; `webhook: false` for one without a webhook. */
  addOfficer(id: string, district: string, o: { supervisor?: boolean; webhook?: boolean } = {}) {
    this.officers.set(id, {
      id,
      name: id,
      badge: `B-${id}`,
      district,
      supervisor: o.supervisor ? 1 : 0,
      webhookUrl: o.webhook === false ? null : `http://127.0.0.1:9/${id}`,
      webhookSecret: 'whsec_test',
      createdAt: 0,
      kind: 'officer',
      caseId: null,
    });
    const now = Date.now();
    this.shifts.push({
      id: `shf-${id}`,
      officerId: id,
      district,
      startsAt: now - 3600_000,
      endsAt: now + 8 * 3600_000,
      createdAt: now,
    });
  }
}

/** An outbox that records what it was handed. */
export class RecordingOutbox implements AlertOutbox {
  deliveries: string[] = [];
  escalations: { alertId: string; level: number; delayMs: number }[] = [];
  async enqueueDeliveries(ids: string[]) {
    this.deliveries.push(...ids);
  }
  async scheduleEscalation(alertId: string, level: number, delayMs: number) {
    this.escalations.push({ alertId, level, delayMs });
  }
  reviews: { alertId: string; delayMs: number }[] = [];
  async scheduleReview(alertId: string, delayMs: number) {
    this.reviews.push({ alertId, delayMs });
  }
  clips: ClipJob[] = [];
  async requestClip(job: ClipJob) {
    this.clips.push(job);
  }
}

const ALERT_CFG: Pick<Config, 'alerts'> = {
  alerts: {
    cooldownSeconds: 60,
    escalateAfterSeconds: 120,
    review: 'required',
    reviewSeconds: 60,
    controlRoom: [],
  } as unknown as Config['alerts'],
};

/** The alert services over in-memory repositories: no database, Redis or files. */
export function inMemoryAlerting(alertsCfg: Partial<Config['alerts']> = {}) {
  const cfg = { alerts: { ...ALERT_CFG.alerts, ...alertsCfg } } as Pick<Config, 'alerts'>;
  const alerts = new InMemoryAlerts();
  const people = new InMemoryPeople();
  const outbox = new RecordingOutbox();
  const audit: Omit<AuditTable, 'id'>[] = [];
  const auditService = new AuditService({
    insert: async (r: Omit<AuditTable, 'id'>) => void audit.push(r),
  } as never as AuditRepository);
  const log = createLogger({ log: { level: 'silent', format: 'json' } } as Config, 'unit');
  const journalled: number[] = [];
  const ledger = new AlertLedger(cfg, alerts as unknown as AlertRepository, outbox, (seq) => journalled.push(seq), log);
  // Frames are gone from Redis in these tests, so the evidence store is never written.
  const pipeline = { frames: { get: async () => null, delete: async () => {} } } as unknown as PipelineStateRepository;
  const evidence = new EvidenceService({} as FileStore);
  const dispatch = new AlertDispatch(cfg, people.officerRepo, auditService);
  return {
    cfg,
    alerts,
    people,
    outbox,
    audit,
    journalled,
    intake: new AlertIntakeService(
      cfg,
      ledger,
      people.caseRepo,
      people.cameraRepo,
      pipeline,
      evidence,
      auditService,
      dispatch,
      people.perpetratorRepo,
    ),
    service: new AlertService(ledger, evidence, auditService, new EvidenceTamperAlarm(ledger, auditService, log)),
    clips: new AlertClipsService(
      { evidence: evidenceSchema.parse({ preSeconds: 10, postSeconds: 20 }) },
      ledger,
      pipeline,
      evidence,
      people.cameraRepo,
      log,
    ),
    review: new AlertReviewService(cfg, ledger, dispatch, people.caseRepo, people.officerRepo, auditService),
    escalation: new AlertEscalationService(cfg, ledger, people.caseRepo, people.officerRepo, auditService),
  };
}

let n = 0;
/** A face-match event as the identify worker sends it (no frame kept). */
export function matchAt(
  cameraId: string,
  perpetratorId: string,
  firstSeen: number,
  lastSeen: number,
  over: Partial<MatchEvent> = {},
): MatchEvent {
  n++;
  return {
    type: 'match',
    eventId: `evt-${n}-${cameraId}-${firstSeen}`,
    cameraId,
    trackId: `t-${n}`,
    perpetratorId,
    name: 'Test Person',
    distance: 0.4,
    scores: [{ ts: lastSeen, seq: n, distance: 0.4, faceBox: [1, 1, 20, 20] }],
    best: { frameKey: 'gone', ts: lastSeen, seq: n, personBox: null, faceBox: [1, 1, 20, 20], faceCropKey: null },
    firstSeen,
    lastSeen,
    galleryVersion: 1,
    ...over,
  };
}
