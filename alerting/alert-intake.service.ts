import { Counter } from 'prom-client';
import { actorName, type AuditContext } from '../audit/audit-context.js';
import { registry } from '../runtime/metrics.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../pipeline/config/index.js';
import type { CameraEvent, MatchEvent } from '../pipeline/events.js';
import { parseSchedule, scheduleState } from '../pipeline/protection-window.js';
import { HttpProblem, notFound } from '../runtime/problem.js';
import type { CaseTable, WebhookDeliveryTable } from '../storage/database/database.types.js';
import type { CameraRepository } from '../storage/repositories/camera.repository.js';
import type { CaseRepository } from '../storage/repositories/case.repository.js';
import { newId } from '../storage/repositories/ids.js';
import type { PerpetratorRepository } from '../storage/repositories/perpetrator.repository.js';
import type { PipelineStateRepository } from '../storage/repositories/pipeline-state.repository.js';
import { type AlertLedger, type EventOutcome, newAlertRow, PIPELINE } from './alert-ledger.js';
import type { EvidenceService } from './evidence.service.js';
import { alertDto, withFlags } from './alert.dto.js';
import type { AlertDispatch } from './alert-dispatch.js';
import { controlRoom, deliveryRows, priorRecipients } from './recipients.js';

const droppedMatches = new Counter({
  name: 'watchpost_match_events_dropped_total',
  help: 'Match events dropped by the alerts consumer: the perpetrator is on no case linked to the camera',
  registers: [registry],
});

export interface SosInput {
  eventId?: string;
  location?: unknown;
  message?: string;
  device?: string;
}

/**
 * Turns pipeline events (face matches, cameras going dark) and SOS presses into
 * alerts: protection-window checks, dedup into the open alert within the
 * cooldown, evidence, and the deliveries to the officers on duty. The same
 * eventId never makes a second alert.
 */
export class AlertIntakeService {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    private readonly ledger: AlertLedger,
    private readonly cases: CaseRepository,
    private readonly cameras: CameraRepository,
    private readonly pipeline: PipelineStateRepository,
    private readonly evidence: EvidenceService,
    private readonly audit: AuditService,
    private readonly dispatch: AlertDispatch,
    private readonly perpetrators: Pick<PerpetratorRepository, 'get'>,
  ) {}

  private get repo() {
    return this.ledger.repo;
  }

  private get cooldownMs() {
    return this.cfg.alerts.cooldownSeconds * 1000;
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

  /** An update goes to everyone who received the alert before, each once. */
  private async updateRecipients(alertId: string, at: number): Promise<WebhookDeliveryTable[]> {
    return deliveryRows(alertId, priorRecipients(await this.repo.deliveries(alertId)), 'alert.updated', at);
  }

  /**
   * Defence in depth: a live match counts only for a perpetrator on the case of the camera that
   * saw them, or one watched on every camera (what the published watchlist should already ensure).
   */
  private async watchedHere(ev: MatchEvent, caseRow: CaseTable | null): Promise<boolean> {
    if (caseRow && ((await this.cases.links([caseRow.id])).get(caseRow.id) ?? []).includes(ev.perpetratorId))
      return true;
    return (await this.perpetrators.get(ev.perpetratorId))?.watchEverywhere === 1;
  }

  async handleMatch(ev: MatchEvent): Promise<EventOutcome> {
    const known = await this.repo.alertIdOfEvent(ev.eventId);
    if (known) return this.ledger.duplicate(known);
    const live = !ev.replayId;
    const { caseRow, inactive } = await this.caseOfCamera(ev.cameraId, ev.lastSeen);
    if (live && !(await this.watchedHere(ev, caseRow))) {
      droppedMatches.inc();
      return {
        outcome: 'dropped',
        reason: `perpetrator ${ev.perpetratorId} is on no case linked to camera ${ev.cameraId}, nor watched everywhere`,
      };
    }
    if (live && inactive) return { outcome: 'suppressed', reason: `case ${caseRow!.id} is not active (${inactive})` };
    // One appearance, one alert: the event joins an open alert only when its own window overlaps the
    // alert's sighting within the cooldown. A late event (a crash held it back) is its own appearance.
    const open = await this.repo.findOpen({
      kind: 'match',
      perpetratorId: ev.perpetratorId,
      cameraId: ev.cameraId,
      since: ev.firstSeen - this.cooldownMs,
      until: ev.lastSeen + this.cooldownMs,
      replayId: ev.replayId,
    });
    const improves = !open || open.distance === null || ev.distance < open.distance;
    const alertId = open?.id ?? newId('alr');
    // Evidence is read from Redis before its TTL runs out, and written before the commit.
    const evidence = improves ? await this.matchEvidence(alertId, ev) : [];
    const at = Date.now();
    // Review first (the control room's receivers), or straight to the responders when review is off.
    const review = live && this.cfg.alerts.review === 'required';
    const responders = !open && live && !review ? await this.dispatch.responders(caseRow, at) : null;
    const deliveries = !live
      ? []
      : open
        ? await this.updateRecipients(open.id, at)
        : deliveryRows(alertId, responders?.recipients ?? controlRoom(this.cfg), 'alert.created', at);
    const sighting = {
      eventId: ev.eventId,
      trackId: ev.trackId,
      firstSeen: ev.firstSeen,
      lastSeen: ev.lastSeen,
      distance: ev.distance,
    };
    const best = {
      trackId: ev.trackId,
      galleryVersion: ev.galleryVersion,
      best: ev.best,
      scores: ev.scores.slice(-50),
      ...(ev.evidence ? { evidence: ev.evidence } : {}),
      evidenceMissing: improves && !evidence.length,
    };
    const outcome = await this.ledger.commit(ev.eventId, async (trx, now) => {
      if (open) {
        const fresh = (await trx.get(open.id))!;
        // A new sighting adds an entry; the best frame's fields follow the closest one.
        const kept = JSON.parse(fresh.details) as { sightings?: unknown[] };
        const sightings = [...(kept.sightings ?? []), sighting];
        await trx.update(open.id, {
          eventCount: fresh.eventCount + 1,
          // First-seen is when the alert's sighting began: a joining event never moves it.
          lastSeen: Math.max(fresh.lastSeen, ev.lastSeen),
          details: JSON.stringify({ ...kept, ...(improves ? best : {}), sightings }),
          ...(improves ? { distance: ev.distance } : {}),
          updatedAt: now,
        });
        await trx.insertSource(ev.eventId, open.id, now);
        await trx.insertEvidence(evidence);
        await trx.insertDeliveries(deliveries);
        return { alertId: open.id, type: 'alert.updated', deliveries: deliveries.map((d) => d.id), escalate: false };
      }
      const row = newAlertRow(alertId, 'match', ev.firstSeen, now, {
        state: review ? 'pending_review' : 'new',
        reviewDueAt: review ? now + this.cfg.alerts.reviewSeconds * 1000 : null,
        dispatchedAt: responders ? now : null,
        flags: withFlags('[]', responders?.flags ?? []),
        caseId: caseRow?.id ?? null,
        cameraId: ev.cameraId,
        perpetratorId: ev.perpetratorId,
        perpetratorName: ev.name,
        distance: ev.distance,
        lastSeen: ev.lastSeen,
        replayId: ev.replayId ?? null,
        details: JSON.stringify({ ...best, sightings: [sighting] }),
      });
      const created = await this.ledger.insertNew(
        trx,
        row,
        ev.eventId,
        deliveries,
        PIPELINE,
        live && !review,
        responders?.note,
      );
      await trx.insertEvidence(evidence);
      return created;
    });
    if (responders && outcome.outcome === 'created') await this.dispatch.recordFallback(outcome.alertId, responders);
    return outcome;
  }

  private async matchEvidence(alertId: string, ev: MatchEvent) {
    const [frame, crop] = await Promise.all([
      this.pipeline.frames.get(ev.best.frameKey),
      ev.best.faceCropKey ? this.pipeline.frames.get(ev.best.faceCropKey) : Promise.resolve(null),
    ]);
    return this.evidence.fromMatch(alertId, frame, crop, {
      personBox: ev.best.personBox,
      faceBox: ev.best.faceBox,
      label: `${ev.name} (d=${ev.distance.toFixed(3)})`,
    });
  }

  /**
   * camera.offline opens a tampering alert per outage (repeats of the same outage update it); camera.online is
   * noted on the open one. A camera blinded again after it came back is a new outage and a new alert, even while
   * nobody has resolved the last one: updating that would bury a fresh blindness in an old card.
   */
  async handleCamera(ev: CameraEvent): Promise<EventOutcome> {
    const known = await this.repo.alertIdOfEvent(ev.eventId);
    if (known) return this.ledger.duplicate(known);
    const latest = await this.repo.findOpen({ kind: 'camera_offline', cameraId: ev.cameraId, since: 0 });
    const cameBack = latest ? (JSON.parse(latest.details) as { onlineAt?: number | null }).onlineAt != null : false;
    const open = cameBack ? null : latest;
    if (ev.type === 'camera.online') {
      if (!open) return { outcome: 'ignored', reason: 'no open offline alert for this camera' };
      const deliveries = await this.updateRecipients(open.id, Date.now());
      return this.ledger.commit(ev.eventId, async (trx, now) => {
        await trx.update(open.id, {
          details: JSON.stringify({ ...JSON.parse(open.details), onlineAt: ev.ts }),
          updatedAt: now,
        });
        await trx.insertSource(ev.eventId, open.id, now);
        await trx.insertAction({
          alertId: open.id,
          action: 'camera.online',
          actorKeyId: null,
          actorName: PIPELINE.name,
          note: null,
          at: now,
        });
        await trx.insertDeliveries(deliveries);
        return { alertId: open.id, type: 'alert.updated', deliveries: deliveries.map((d) => d.id), escalate: false };
      });
    }
    const { caseRow, inactive } = await this.caseOfCamera(ev.cameraId, ev.ts);
    if (inactive) return { outcome: 'suppressed', reason: `case ${caseRow!.id} is not active (${inactive})` };
    const details = JSON.stringify({ lastFrameAt: ev.lastFrameAt, reason: ev.reason ?? null, onlineAt: null });
    const alertId = newId('alr');
    const at = Date.now();
    // Camera tampering skips review: it goes to the responders at once.
    const responders = open ? null : await this.dispatch.responders(caseRow, at);
    const deliveries = open
      ? await this.updateRecipients(open.id, at)
      : deliveryRows(alertId, responders!.recipients, 'alert.created', at);
    const outcome = await this.ledger.commit(ev.eventId, async (trx, now) => {
      if (open) {
        await trx.update(open.id, { eventCount: open.eventCount + 1, lastSeen: ev.ts, details, updatedAt: now });
        await trx.insertSource(ev.eventId, open.id, now);
        await trx.insertDeliveries(deliveries);
        return { alertId: open.id, type: 'alert.updated', deliveries: deliveries.map((d) => d.id), escalate: false };
      }
      const row = newAlertRow(alertId, 'camera_offline', ev.ts, now, {
        caseId: caseRow?.id ?? null,
        cameraId: ev.cameraId,
        details,
        dispatchedAt: now,
        flags: withFlags('[]', responders!.flags),
      });
      return this.ledger.insertNew(trx, row, ev.eventId, deliveries, PIPELINE, true, responders!.note);
    });
    if (responders && outcome.outcome === 'created') await this.dispatch.recordFallback(outcome.alertId, responders);
    return outcome;
  }

  /**
   * The victim's panic button. Always raises an alert (protection window or not),
   * and commits even while Redis is down: delivery then waits for the sweep.
   */
  async sos(ctx: AuditContext, caseId: string, body: SosInput) {
    const { actor } = ctx;
    if (actor.kind === 'sos' && actor.caseId !== caseId)
      throw new HttpProblem(403, 'Forbidden', 'this SOS token belongs to another case');
    const caseRow = await this.cases.get(caseId);
    if (!caseRow) throw notFound('case', caseId);
    const eventId = `sos:${caseId}:${body.eventId ?? newId('sos')}`;
    const known = await this.repo.alertIdOfEvent(eventId);
    const result = known ? await this.ledger.duplicate(known) : await this.newPress(ctx, caseRow, eventId, body);
    const alertId = 'alertId' in result ? result.alertId : '';
    await this.audit.record(ctx, 'alert.sos', { type: 'alert', id: alertId }, { caseId, outcome: result.outcome });
    return { outcome: result.outcome, alert: alertDto((await this.repo.get(alertId))!) };
  }

  /** A press not seen before: a new SOS alert, or a repeat noted on the open one within the cooldown. */
  private async newPress(ctx: AuditContext, caseRow: CaseTable, eventId: string, body: SosInput) {
    const at = Date.now();
    const by = { name: actorName(ctx.actor), keyId: ctx.actor.kind === 'key' ? ctx.actor.keyId : null };
    const details = { location: body.location ?? null, message: body.message ?? null, device: body.device ?? null };
    const open = await this.repo.findOpen({ kind: 'sos', caseId: caseRow.id, since: at - this.cooldownMs });
    const alertId = newId('alr');
    // SOS skips review: it goes to the responders at once.
    const responders = open ? null : await this.dispatch.responders(caseRow, at);
    const deliveries = open
      ? await this.updateRecipients(open.id, at)
      : deliveryRows(alertId, responders!.recipients, 'alert.created', at);
    const outcome = await this.ledger.commit(eventId, async (trx, now) => {
      if (open) {
        // A repeat ("he has a knife") adds an entry; the first press's details are never overwritten.
        const fresh = (await trx.get(open.id)) ?? open;
        const kept = JSON.parse(fresh.details) as typeof details & { presses?: unknown[] };
        const presses = [...(kept.presses ?? []), { ...details, at, by: by.name }];
        await trx.update(open.id, {
          eventCount: fresh.eventCount + 1,
          lastSeen: at,
          details: JSON.stringify({ ...kept, presses }),
          updatedAt: now,
        });
        await trx.insertSource(eventId, open.id, now);
        await trx.insertAction({
          alertId: open.id,
          action: 'sos.repeated',
          actorKeyId: by.keyId,
          actorName: by.name,
          note: body.message ?? null,
          at: now,
        });
        await trx.insertDeliveries(deliveries);
        return { alertId: open.id, type: 'alert.updated', deliveries: deliveries.map((d) => d.id), escalate: false };
      }
      const row = newAlertRow(alertId, 'sos', at, now, {
        caseId: caseRow.id,
        details: JSON.stringify(details),
        dispatchedAt: now,
        flags: withFlags('[]', responders!.flags),
      });
      return this.ledger.insertNew(trx, row, eventId, deliveries, by, true, responders!.note);
    });
    if (responders && outcome.outcome === 'created') await this.dispatch.recordFallback(outcome.alertId, responders);
    return outcome;
  }
}
