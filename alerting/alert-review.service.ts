import { actorName, type AuditContext } from '../audit/audit-context.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../pipeline/config/index.js';
import { HttpProblem, notFound } from '../runtime/problem.js';
import type { AlertTable, WebhookDeliveryTable } from '../storage/database/database.types.js';
import type { CaseRepository } from '../storage/repositories/case.repository.js';
import type { OfficerRepository } from '../storage/repositories/officer.repository.js';
import { alertDto, type AlertFlag, withFlags } from './alert.dto.js';
import type { AlertDispatch, Responders } from './alert-dispatch.js';
import type { ActionBy, AlertLedger } from './alert-ledger.js';
import { deliveryRows, priorRecipients, type Recipient } from './recipients.js';

const SYSTEM: ActionBy = { name: 'system', keyId: null };

/** One review step: the state it leaves pending_review for, its columns, who hears of it and under which event. */
interface Step {
  action: string;
  event: string;
  by: ActionBy;
  note: string | null;
  patch: Partial<AlertTable>;
  recipients: Recipient[];
  responders: Responders | null;
}

/**
 * The control room's review of face matches (`alerts.review: required`): a match waits as
 * pending_review, seen by operators (dashboard, their webhooks), until one confirms it
 * (officers on duty are dispatched, with the evidence) or rejects it (false positive, no
 * officer disturbed). Fail-safe toward the victim: undecided at `alerts.reviewSeconds`,
 * it goes to the officers flagged unconfirmed and the supervisors are told.
 */
export class AlertReviewService {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    private readonly ledger: AlertLedger,
    private readonly dispatch: AlertDispatch,
    private readonly cases: CaseRepository,
    private readonly officers: OfficerRepository,
    private readonly audit: AuditService,
  ) {}

  private get repo() {
    return this.ledger.repo;
  }

  private async pending(id: string, verb: string): Promise<AlertTable> {
    const a = await this.repo.get(id);
    if (!a) throw notFound('alert', id);
    if (a.state !== 'pending_review')
      throw new HttpProblem(409, 'Conflict', `alert ${id} is ${a.state}; only a pending_review alert can be ${verb}`, {
        state: a.state,
      });
    return a;
  }

  private async responders(a: AlertTable, at: number) {
    const caseRow = a.caseId ? await this.cases.get(a.caseId) : undefined;
    return this.dispatch.responders(caseRow ?? null, at);
  }

  /** Confirmed: everyone who had it hears so, and the officers on duty are dispatched. */
  async confirm(ctx: AuditContext, id: string, note?: string) {
    const a = await this.pending(id, 'confirmed');
    const now = Date.now();
    const responders = await this.responders(a, now);
    const prior = priorRecipients(await this.repo.deliveries(id));
    const by = byOf(ctx);
    await this.apply(a, now, {
      action: 'confirm',
      event: 'alert.confirmed',
      by,
      note: [note, responders.note].filter(Boolean).join('; '),
      patch: { state: 'new', confirmedAt: now, dispatchedAt: now, flags: withFlags(a.flags, responders.flags) },
      recipients: [...prior, ...responders.recipients],
      responders,
    });
    await this.audit.record(ctx, 'alert.confirm', { type: 'alert', id }, note ? { note } : undefined);
    return alertDto((await this.repo.get(id))!);
  }

  /** Rejected: a false positive; only those who already had it (the control room) hear so. */
  async reject(ctx: AuditContext, id: string, note?: string) {
    const a = await this.pending(id, 'rejected');
    const now = Date.now();
    await this.apply(a, now, {
      action: 'reject',
      event: 'alert.false_positive',
      by: byOf(ctx),
      note: note ?? null,
      patch: { state: 'false_positive', rejectedAt: now },
      recipients: priorRecipients(await this.repo.deliveries(id)),
      responders: null,
    });
    await this.audit.record(ctx, 'alert.reject', { type: 'alert', id }, note ? { note } : undefined);
    return alertDto((await this.repo.get(id))!);
  }

  /** The review deadline passed (a delayed job): undecided, it goes out unconfirmed. Idempotent. */
  async reviewDue(id: string): Promise<{ dispatched: boolean }> {
    const a = await this.repo.get(id);
    if (a?.state !== 'pending_review') return { dispatched: false };
    const now = Date.now();
    const responders = await this.responders(a, now);
    const supervisors = await this.supervisors(a, now);
    const flags: AlertFlag[] = ['unconfirmed', ...responders.flags];
    const done = await this.apply(a, now, {
      action: 'review_missed',
      event: 'alert.review_missed',
      by: SYSTEM,
      note: `not reviewed within ${this.cfg.alerts.reviewSeconds}s: sent unconfirmed; ${responders.note}; ${supervisors.length} supervisor(s) told`,
      patch: { state: 'new', reviewMissedAt: now, dispatchedAt: now, flags: withFlags(a.flags, flags) },
      recipients: [...priorRecipients(await this.repo.deliveries(id)), ...responders.recipients, ...supervisors],
      responders,
    });
    if (done)
      await this.audit.record('system', 'alert.review_missed', { type: 'alert', id }, { note: responders.note });
    return { dispatched: done };
  }

  /** Matches past their review deadline still pending (a crash between commit and scheduling): the sweep re-asks. */
  async overdue() {
    const pending = await this.repo.list({ limit: 500, state: ['pending_review'], replay: 'exclude' });
    return pending.filter((a) => (a.reviewDueAt ?? 0) < Date.now() - 1000);
  }

  /** Supervisors told of a missed review: the district's on duty, else any on duty. */
  private async supervisors(a: AlertTable, at: number): Promise<Recipient[]> {
    const c = a.caseId ? await this.cases.get(a.caseId) : undefined;
    const local = c ? (await this.officers.onDuty(c.district, at)).filter((o) => o.supervisor === 1) : [];
    return local.some((o) => o.webhookUrl) ? local : this.officers.supervisorsOnDuty(at);
  }

  /** Leaves pending_review in one transaction (a concurrent decision loses with 409), then sends. */
  private async apply(a: AlertTable, now: number, s: Step): Promise<boolean> {
    const deliveries: WebhookDeliveryTable[] = deliveryRows(a.id, s.recipients, s.event, now);
    const seq = await this.repo.transaction(async (trx) => {
      if (!(await trx.transition(a.id, ['pending_review'], { ...s.patch, updatedAt: now }))) return null;
      await trx.insertAction({
        alertId: a.id,
        action: s.action,
        actorKeyId: s.by.keyId,
        actorName: s.by.name,
        note: s.note,
        at: now,
      });
      await trx.insertDeliveries(deliveries);
      return this.ledger.journal(trx, a.id, s.event, now);
    });
    if (seq === null) {
      if (s.by === SYSTEM) return false;
      const fresh = await this.repo.get(a.id);
      throw new HttpProblem(409, 'Conflict', `alert ${a.id} was decided meanwhile: it is ${fresh?.state}`, {
        state: fresh?.state,
      });
    }
    const dispatched = s.patch.state === 'new';
    await this.ledger.afterCommit(
      seq,
      a.id,
      deliveries.map((d) => d.id),
      dispatched ? 1 : null,
    );
    if (s.responders) await this.dispatch.recordFallback(a.id, s.responders);
    return true;
  }
}

const byOf = (ctx: AuditContext): ActionBy => ({
  name: actorName(ctx.actor),
  keyId: ctx.actor.kind === 'key' ? ctx.actor.keyId : null,
});
