import type { Request } from 'express';
import type { Config } from '../../pipeline/config/index.js';
import type { CameraEvent, MatchEvent } from '../../pipeline/events.js';
import type { Logger } from '../../runtime/logger.js';
import type { AlertTable, CaseTable, EvidenceTable, WebhookDeliveryTable } from '../database/database.types.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { actorName, type Actor } from '../http/roles.js';
import { OPEN_STATES, type AlertRepository } from '../repositories/alert.repository.js';
import type { CameraRepository } from '../repositories/camera.repository.js';
import type { CaseRepository } from '../repositories/case.repository.js';
import { newId } from '../repositories/ids.js';
import type { OfficerRepository } from '../repositories/officer.repository.js';
import type { PipelineStateRepository } from '../repositories/pipeline-state.repository.js';
import type { AuditService } from './audit.service.js';
import { parseSchedule } from './case.service.js';
import type { EvidenceService } from './evidence.service.js';
import { scheduleState } from './protection-window.js';

export type AlertKind = 'match' | 'camera_offline' | 'sos';
export type AlertState = 'new' | 'acknowledged' | 'resolved' | 'false_positive';

export function alertDto(a: AlertTable) {
  return {
    id: a.id,
    kind: a.kind as AlertKind,
    state: a.state as AlertState,
    caseId: a.caseId,
    cameraId: a.cameraId,
    perpetratorId: a.perpetratorId,
    perpetratorName: a.perpetratorName,
    distance: a.distance,
    eventCount: a.eventCount,
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    replayId: a.replayId,
    escalationLevel: a.escalationLevel,
    details: JSON.parse(a.details) as Record<string, unknown>,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
export type AlertDto = ReturnType<typeof alertDto>;

export const evidenceDto = (e: EvidenceTable) => ({
  id: e.id,
  kind: e.kind as 'snapshot' | 'face_crop' | 'frame',
  sha256: e.sha256,
  bytes: e.bytes,
  mime: e.mime,
  url: `/v1/alerts/${e.alertId}/evidence/${e.id}`,
  createdAt: e.createdAt,
});

/** Work to do after an alert commits: webhook jobs and the escalation timer (both idempotent). */
export interface AlertOutbox {
  enqueueDeliveries(ids: string[]): Promise<void>;
  scheduleEscalation(alertId: string, level: number, delayMs: number): Promise<void>;
}

export type EventOutcome =
  | { outcome: 'created' | 'updated' | 'duplicate'; alertId: string }
  | { outcome: 'suppressed'; reason: string }
  | { outcome: 'ignored'; reason: string };

const TRANSITIONS: Record<
  'acknowledge' | 'resolve' | 'false_positive',
  { from: readonly AlertState[]; to: AlertState }
> = {
  acknowledge: { from: ['new'], to: 'acknowledged' },
  resolve: { from: ['new', 'acknowledged'], to: 'resolved' },
  false_positive: { from: ['new', 'acknowledged'], to: 'false_positive' },
};

/**
 * Turns pipeline events and SOS calls into alerts: dedup, protection-window
 * checks, evidence, the journal the SSE stream serves, and the delivery rows
 * (outbox) the webhook worker sends. Each event commits in one transaction
 * before its job completes; the same eventId never makes a second alert.
 */
export class AlertService {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    private readonly repo: AlertRepository,
    private readonly cases: CaseRepository,
    private readonly cameras: CameraRepository,
    private readonly officers: OfficerRepository,
    private readonly pipeline: PipelineStateRepository,
    private readonly evidence: EvidenceService,
    private readonly audit: AuditService,
    private readonly outbox: AlertOutbox,
    private readonly journalGrew: (seq: number) => void,
    private readonly log: Logger,
  ) {}

  private get cooldownMs() {
    return this.cfg.alerts.cooldownSeconds * 1000;
  }

  private get escalateMs() {
    return this.cfg.alerts.escalateAfterSeconds * 1000;
  }

  /** Where an event's camera belongs, and whether its case raises alerts at `at`. */
  private async caseOfCamera(cameraId: string, at: number): Promise<{ caseRow: CaseTable | null; inactive?: string }> {
    const cam = await this.cameras.get(cameraId);
    if (!cam?.caseId) return { caseRow: null };
    const caseRow = (await this.cases.get(cam.caseId)) ?? null;
    if (!caseRow) return { caseRow: null };
    const state = scheduleState(parseSchedule(caseRow), at);
    return state.active ? { caseRow } : { caseRow, inactive: state.reason };
  }

  /** Deliveries for the officers on duty in the case's district who have a webhook. */
  private async deliveriesFor(
    alertId: string,
    caseRow: CaseTable | null,
    event: string,
    at: number,
  ): Promise<WebhookDeliveryTable[]> {
    if (!caseRow) return [];
    const onDuty = await this.officers.onDuty(caseRow.district, at);
    const seen = new Set<string>();
    return onDuty
      .filter((o) => o.webhookUrl && !seen.has(o.id) && seen.add(o.id))
      .map((o) => ({
        id: newId('dlv'),
        alertId,
        officerId: o.id,
        url: o.webhookUrl!,
        event,
        status: 'pending',
        attempts: 0,
        lastStatus: null,
        lastError: null,
        createdAt: at,
        deliveredAt: null,
      }));
  }

  /** Commits an alert change with its journal entry; returns the journal sequence number. */
  private async journal(repo: AlertRepository, alertId: string, type: string, at: number): Promise<number> {
    const row = (await repo.get(alertId))!;
    return repo.appendEvent({ alertId, type, payload: JSON.stringify({ type, alert: alertDto(row) }), at });
  }

  private async afterCommit(
    seq: number,
    alertId: string,
    deliveries: string[],
    escalateLevel: number | null,
  ): Promise<void> {
    this.journalGrew(seq);
    try {
      await this.outbox.enqueueDeliveries(deliveries);
      if (escalateLevel !== null) await this.outbox.scheduleEscalation(alertId, escalateLevel, this.escalateMs);
    } catch (err) {
      // Committed rows are the outbox: the worker's sweep enqueues them once Redis answers.
      this.log.warn({ alertId, err: (err as Error).message }, 'could not enqueue delivery now; the sweep will');
    }
  }

  /** A replayed or retried event: make sure its committed deliveries are on their way, change nothing. */
  private async duplicate(alertId: string): Promise<EventOutcome> {
    const pending = (await this.repo.deliveries(alertId)).filter((d) => d.status === 'pending').map((d) => d.id);
    await this.afterCommit(0, alertId, pending, null);
    return { outcome: 'duplicate', alertId };
  }

  /**
   * Runs one event's change in a transaction (journal entry included), then hands
   * the deliveries to the outbox. A unique-key clash on the eventId means another
   * delivery of the same event won: answer as a duplicate.
   */
  private async commit(
    eventId: string,
    change: (
      trx: AlertRepository,
      now: number,
    ) => Promise<{ alertId: string; type: 'alert.created' | 'alert.updated'; deliveries: string[]; escalate: boolean }>,
  ): Promise<EventOutcome> {
    const now = Date.now();
    let done: Awaited<ReturnType<typeof change>> & { seq: number };
    try {
      done = await this.repo.transaction(async (trx) => {
        const r = await change(trx, now);
        return { ...r, seq: await this.journal(trx, r.alertId, r.type, now) };
      });
    } catch (err) {
      const winner = await this.repo.alertIdOfEvent(eventId);
      if (winner) return this.duplicate(winner);
      throw err;
    }
    await this.afterCommit(done.seq, done.alertId, done.deliveries, done.escalate ? 1 : null);
    return { outcome: done.type === 'alert.created' ? 'created' : 'updated', alertId: done.alertId };
  }

  private newAlert(id: string, kind: AlertKind, at: number, now: number, fields: Partial<AlertTable>): AlertTable {
    return {
      id,
      kind,
      state: 'new',
      caseId: null,
      cameraId: null,
      perpetratorId: null,
      perpetratorName: null,
      distance: null,
      eventCount: 1,
      firstSeen: at,
      lastSeen: at,
      replayId: null,
      escalationLevel: 0,
      details: '{}',
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
  }

  /**
   * Inserts a new alert with its source event, 'created' action and deliveries. The
   * deliveries are computed before the transaction: SQLite has one connection, so a
   * read outside the transaction while it is open would wait for ever.
   */
  private async insertNew(
    trx: AlertRepository,
    row: AlertTable,
    eventId: string,
    deliveries: WebhookDeliveryTable[],
    actor: { name: string; keyId: string | null },
    escalate: boolean,
  ) {
    await trx.insert(row);
    await trx.insertSource(eventId, row.id, row.createdAt);
    await trx.insertAction({
      alertId: row.id,
      action: 'created',
      actorKeyId: actor.keyId,
      actorName: actor.name,
      note: `${row.kind} event ${eventId}`,
      at: row.createdAt,
    });
    await trx.insertDeliveries(deliveries);
    return { alertId: row.id, type: 'alert.created' as const, deliveries: deliveries.map((d) => d.id), escalate };
  }

  async handleMatch(ev: MatchEvent): Promise<EventOutcome> {
    const known = await this.repo.alertIdOfEvent(ev.eventId);
    if (known) return this.duplicate(known);
    const live = !ev.replayId;
    const { caseRow, inactive } = await this.caseOfCamera(ev.cameraId, ev.lastSeen);
    if (live && inactive) return { outcome: 'suppressed', reason: `case ${caseRow!.id} is not active (${inactive})` };
    const open = await this.repo.findOpen({
      kind: 'match',
      perpetratorId: ev.perpetratorId,
      cameraId: ev.cameraId,
      since: ev.firstSeen - this.cooldownMs,
      replayId: ev.replayId,
    });
    const improves = !open || open.distance === null || ev.distance < open.distance;
    const alertId = open?.id ?? newId('alr');
    // Evidence is read from Redis before its TTL runs out, and written before the commit.
    const evidence = improves ? await this.matchEvidence(alertId, ev) : [];
    const deliveries = !open && live ? await this.deliveriesFor(alertId, caseRow, 'alert.created', Date.now()) : [];
    const details = JSON.stringify({
      trackId: ev.trackId,
      galleryVersion: ev.galleryVersion,
      best: ev.best,
      scores: ev.scores.slice(-50),
      evidenceMissing: improves && !evidence.length,
    });
    return this.commit(ev.eventId, async (trx, now) => {
      if (open) {
        const fresh = (await trx.get(open.id))!;
        await trx.update(open.id, {
          eventCount: fresh.eventCount + 1,
          lastSeen: Math.max(fresh.lastSeen, ev.lastSeen),
          firstSeen: Math.min(fresh.firstSeen, ev.firstSeen),
          ...(improves ? { distance: ev.distance, details } : {}),
          updatedAt: now,
        });
        await trx.insertSource(ev.eventId, open.id, now);
        await trx.insertEvidence(evidence);
        return { alertId: open.id, type: 'alert.updated', deliveries: [], escalate: false };
      }
      const row = this.newAlert(alertId, 'match', ev.firstSeen, now, {
        caseId: caseRow?.id ?? null,
        cameraId: ev.cameraId,
        perpetratorId: ev.perpetratorId,
        perpetratorName: ev.name,
        distance: ev.distance,
        lastSeen: ev.lastSeen,
        replayId: ev.replayId ?? null,
        details,
      });
      const r = await this.insertNew(trx, row, ev.eventId, deliveries, { name: 'pipeline', keyId: null }, live);
      await trx.insertEvidence(evidence);
      return r;
    });
  }

  private async matchEvidence(alertId: string, ev: MatchEvent) {
    const [frame, crop] = await Promise.all([
      this.pipeline.bytes(ev.best.frameKey),
      ev.best.faceCropKey ? this.pipeline.bytes(ev.best.faceCropKey) : Promise.resolve(null),
    ]);
    return this.evidence.fromMatch(alertId, frame, crop, {
      personBox: ev.best.personBox,
      faceBox: ev.best.faceBox,
      label: `${ev.name} (d=${ev.distance.toFixed(3)})`,
    });
  }

  /** camera.offline opens (or updates) a tampering alert; camera.online is noted on the open one. */
  async handleCamera(ev: CameraEvent): Promise<EventOutcome> {
    const known = await this.repo.alertIdOfEvent(ev.eventId);
    if (known) return this.duplicate(known);
    const open = await this.repo.findOpen({ kind: 'camera_offline', cameraId: ev.cameraId, since: 0 });
    if (ev.type === 'camera.online') {
      if (!open) return { outcome: 'ignored', reason: 'no open offline alert for this camera' };
      return this.commit(ev.eventId, async (trx, now) => {
        await trx.update(open.id, {
          details: JSON.stringify({ ...JSON.parse(open.details), onlineAt: ev.ts }),
          updatedAt: now,
        });
        await trx.insertSource(ev.eventId, open.id, now);
        await trx.insertAction({
          alertId: open.id,
          action: 'camera.online',
          actorKeyId: null,
          actorName: 'pipeline',
          note: null,
          at: now,
        });
        return { alertId: open.id, type: 'alert.updated', deliveries: [], escalate: false };
      });
    }
    const { caseRow, inactive } = await this.caseOfCamera(ev.cameraId, ev.ts);
    if (inactive) return { outcome: 'suppressed', reason: `case ${caseRow!.id} is not active (${inactive})` };
    const details = JSON.stringify({ lastFrameAt: ev.lastFrameAt, reason: ev.reason ?? null, onlineAt: null });
    const alertId = newId('alr');
    const deliveries = open ? [] : await this.deliveriesFor(alertId, caseRow, 'alert.created', Date.now());
    return this.commit(ev.eventId, async (trx, now) => {
      if (open) {
        await trx.update(open.id, { eventCount: open.eventCount + 1, lastSeen: ev.ts, details, updatedAt: now });
        await trx.insertSource(ev.eventId, open.id, now);
        return { alertId: open.id, type: 'alert.updated', deliveries: [], escalate: false };
      }
      const row = this.newAlert(alertId, 'camera_offline', ev.ts, now, {
        caseId: caseRow?.id ?? null,
        cameraId: ev.cameraId,
        details,
      });
      return this.insertNew(trx, row, ev.eventId, deliveries, { name: 'pipeline', keyId: null }, true);
    });
  }

  /**
   * The victim's panic button. Always raises an alert (protection window or not),
   * and commits even while Redis is down: delivery then waits for the sweep.
   */
  async sos(
    actor: Actor,
    caseId: string,
    body: { eventId?: string; location?: unknown; message?: string; device?: string },
    req?: Request,
  ) {
    if (actor.kind === 'sos' && actor.caseId !== caseId)
      throw new HttpProblem(403, 'Forbidden', 'this SOS token belongs to another case');
    const caseRow = await this.cases.get(caseId);
    if (!caseRow) throw notFound('case', caseId);
    const eventId = `sos:${caseId}:${body.eventId ?? newId('sos')}`;
    const known = await this.repo.alertIdOfEvent(eventId);
    const at = Date.now();
    const details = { location: body.location ?? null, message: body.message ?? null, device: body.device ?? null };
    const result = known
      ? await this.duplicate(known)
      : await (async () => {
          const open = await this.repo.findOpen({ kind: 'sos', caseId, since: at - this.cooldownMs });
          const alertId = newId('alr');
          const deliveries = open ? [] : await this.deliveriesFor(alertId, caseRow, 'alert.created', at);
          return this.commit(eventId, async (trx, now) => {
            if (open) {
              await trx.update(open.id, {
                eventCount: open.eventCount + 1,
                lastSeen: at,
                details: JSON.stringify(details),
                updatedAt: now,
              });
              await trx.insertSource(eventId, open.id, now);
              await trx.insertAction({
                alertId: open.id,
                action: 'sos.repeated',
                actorKeyId: actor.kind === 'key' ? actor.keyId : null,
                actorName: actorName(actor),
                note: body.message ?? null,
                at: now,
              });
              return { alertId: open.id, type: 'alert.updated', deliveries: [], escalate: false };
            }
            const row = this.newAlert(alertId, 'sos', at, now, { caseId, details: JSON.stringify(details) });
            return this.insertNew(
              trx,
              row,
              eventId,
              deliveries,
              { name: actorName(actor), keyId: actor.kind === 'key' ? actor.keyId : null },
              true,
            );
          });
        })();
    const alertId = 'alertId' in result ? result.alertId : '';
    await this.audit.record(
      actor,
      'alert.sos',
      { type: 'alert', id: alertId },
      { caseId, outcome: result.outcome },
      req,
    );
    return { outcome: result.outcome, alert: alertDto((await this.repo.get(alertId))!) };
  }

  async get(actor: Actor, id: string, req?: Request) {
    const a = await this.repo.get(id);
    if (!a) throw notFound('alert', id);
    const [actions, evidence, deliveries] = await Promise.all([
      this.repo.actions(id),
      this.repo.evidence(id),
      this.repo.deliveries(id),
    ]);
    await this.audit.record(actor, 'alert.read', { type: 'alert', id }, undefined, req);
    return {
      ...alertDto(a),
      actions: actions.map((x) => ({ action: x.action, actorName: x.actorName, note: x.note, at: x.at })),
      evidence: evidence.map(evidenceDto),
      deliveries: deliveries.map((d) => ({
        id: d.id,
        officerId: d.officerId,
        event: d.event,
        status: d.status as 'pending' | 'delivered' | 'failed' | 'skipped',
        attempts: d.attempts,
        lastStatus: d.lastStatus,
        lastError: d.lastError,
        createdAt: d.createdAt,
        deliveredAt: d.deliveredAt,
      })),
    };
  }

  list(f: Parameters<AlertRepository['list']>[0]) {
    return this.repo.list(f);
  }

  /** Evidence bytes, to authorised roles only; every read is audited. */
  async evidenceBytes(actor: Actor, alertId: string, evidenceId: string, req?: Request) {
    const e = await this.repo.evidenceItem(alertId, evidenceId);
    if (!e) throw notFound('evidence', evidenceId);
    await this.audit.record(
      actor,
      'alert.evidence.read',
      { type: 'alert', id: alertId },
      { evidenceId, kind: e.kind },
      req,
    );
    return { mime: e.mime, sha256: e.sha256, data: await this.evidence.read(e.path) };
  }

  /** new → acknowledged → resolved | false_positive; who did it and when is kept. */
  async transition(
    actor: Actor,
    id: string,
    action: keyof typeof TRANSITIONS,
    note: string | undefined,
    req?: Request,
  ) {
    const a = await this.repo.get(id);
    if (!a) throw notFound('alert', id);
    const t = TRANSITIONS[action];
    const now = Date.now();
    const seq = await this.repo.transaction(async (trx) => {
      if (!(await trx.transition(id, t.from, { state: t.to, updatedAt: now }))) return null;
      await trx.insertAction({
        alertId: id,
        action,
        actorKeyId: actor.kind === 'key' ? actor.keyId : null,
        actorName: actorName(actor),
        note: note ?? null,
        at: now,
      });
      return this.journal(trx, id, `alert.${t.to}`, now);
    });
    if (seq === null)
      throw new HttpProblem(
        409,
        'Conflict',
        `alert ${id} is ${a.state}; '${action}' needs state ${t.from.join(' or ')}`,
        { state: a.state },
      );
    this.journalGrew(seq);
    await this.audit.record(actor, `alert.${action}`, { type: 'alert', id }, note ? { note } : undefined, req);
    return alertDto((await this.repo.get(id))!);
  }

  /**
   * Escalation check for `level`: an alert still new after the deadline goes to
   * on-duty supervisors of its district (level 1), then to every on-duty
   * supervisor (level 2+), each officer at most once. Idempotent per level.
   */
  async escalate(alertId: string, level: number): Promise<{ escalated: boolean; notified: number }> {
    const a = await this.repo.get(alertId);
    if (!a || a.state !== 'new' || a.escalationLevel >= level) return { escalated: false, notified: 0 };
    const now = Date.now();
    const caseRow = a.caseId ? await this.cases.get(a.caseId) : undefined;
    const already = await this.repo.notifiedOfficers(alertId);
    const candidates =
      level === 1 && caseRow
        ? (await this.officers.onDuty(caseRow.district, now)).filter((o) => o.supervisor === 1)
        : await this.officers.supervisorsOnDuty(now);
    const fresh = candidates.filter(
      (o, i) => o.webhookUrl && !already.has(o.id) && candidates.findIndex((x) => x.id === o.id) === i,
    );
    const deliveries: WebhookDeliveryTable[] = fresh.map((o) => ({
      id: newId('dlv'),
      alertId,
      officerId: o.id,
      url: o.webhookUrl!,
      event: 'alert.escalated',
      status: 'pending',
      attempts: 0,
      lastStatus: null,
      lastError: null,
      createdAt: now,
      deliveredAt: null,
    }));
    const seq = await this.repo.transaction(async (trx) => {
      if (!(await trx.transition(alertId, ['new'], { escalationLevel: level, updatedAt: now }))) return null;
      await trx.insertDeliveries(deliveries);
      await trx.insertAction({
        alertId,
        action: 'escalated',
        actorKeyId: null,
        actorName: 'system',
        note: `level ${level}: not acknowledged within ${this.cfg.alerts.escalateAfterSeconds}s; notified ${deliveries.length} officer(s)`,
        at: now,
      });
      return this.journal(trx, alertId, 'alert.escalated', now);
    });
    if (seq === null) return { escalated: false, notified: 0 };
    await this.afterCommit(
      seq,
      alertId,
      deliveries.map((d) => d.id),
      null,
    );
    if (level < 3) await this.outbox.scheduleEscalation(alertId, level + 1, this.escalateMs).catch(() => {});
    return { escalated: true, notified: deliveries.length };
  }

  /** Alerts still new whose escalation may have been lost (crash between commit and scheduling). */
  async openUnescalated() {
    return (
      await this.repo.list({ limit: 500, state: [...OPEN_STATES].filter((s) => s === 'new'), replay: 'exclude' })
    ).filter((a) => Date.now() - a.updatedAt > this.escalateMs);
  }
}
