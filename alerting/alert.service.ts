import type { AuditContext } from '../audit/audit-context.js';
import { actorName } from '../audit/audit-context.js';
import type { AuditService } from '../audit/audit.service.js';
import { type ClipTrack, clipTrackSchema } from '../pipeline/clip-track.js';
import { HttpProblem, notFound } from '../runtime/problem.js';
import type { AlertFilter, AlertRepository } from '../storage/repositories/alert.repository.js';
import { canSee, maySee, originalRoles, scopeOf } from './alert-access.js';
import type { AlertOutcome } from '../pipeline/programme-report.js';
import { type AlertState, alertDto, deliveryDto, evidenceDto } from './alert.dto.js';
import type { AlertLedger } from './alert-ledger.js';
import type { EvidenceService } from './evidence.service.js';
import type { EvidenceTamperAlarm } from './evidence-integrity.js';
import { TamperedFileError } from '../storage/repositories/file-store.repository.js';
import { deliveryRows, priorRecipients } from './recipients.js';

const TRANSITIONS: Record<
  'acknowledge' | 'resolve' | 'false_positive',
  { from: readonly AlertState[]; to: AlertState; at: 'acknowledgedAt' | 'resolvedAt' | 'rejectedAt' }
> = {
  acknowledge: { from: ['new'], to: 'acknowledged', at: 'acknowledgedAt' },
  resolve: { from: ['new', 'acknowledged'], to: 'resolved', at: 'resolvedAt' },
  false_positive: { from: ['new', 'acknowledged'], to: 'false_positive', at: 'rejectedAt' },
};
export type AlertAction = keyof typeof TRANSITIONS;

/** Reading alerts (every read audited) and moving them through their states. */
export class AlertService {
  constructor(
    private readonly ledger: AlertLedger,
    private readonly evidence: EvidenceService,
    private readonly audit: AuditService,
    private readonly tampered: EvidenceTamperAlarm,
  ) {}

  private get repo(): AlertRepository {
    return this.ledger.repo;
  }

  /**
   * The alert, if this caller may see it: one outside an officer's view answers 404 like an
   * unknown one (its existence is not theirs to learn either).
   */
  private async visible(ctx: AuditContext, id: string) {
    const a = await this.repo.get(id);
    if (!a) throw notFound('alert', id);
    const scope = scopeOf(ctx.actor);
    if (!scope.all && !canSee(scope, (await this.repo.audience([id])).get(id)!)) {
      await this.audit.record(ctx, 'alert.denied', { type: 'alert', id });
      throw notFound('alert', id);
    }
    return a;
  }

  async get(ctx: AuditContext, id: string) {
    const a = await this.visible(ctx, id);
    const [actions, evidence, deliveries] = await Promise.all([
      this.repo.actions(id),
      this.repo.evidence(id),
      this.repo.deliveriesWithRecipient(id),
    ]);
    await this.audit.record(ctx, 'alert.read', { type: 'alert', id });
    return {
      ...alertDto(a),
      actions: actions.map((x) => ({ action: x.action, actorName: x.actorName, note: x.note, at: x.at })),
      evidence: evidence.map(evidenceDto),
      deliveries: deliveries.map(deliveryDto),
    };
  }

  /** Alerts the caller may see (an officer: their district's and those sent to them). */
  list(ctx: AuditContext, f: Omit<AlertFilter, 'audience'>) {
    const scope = scopeOf(ctx.actor);
    return this.repo.list(scope.all ? f : { ...f, audience: scope });
  }

  /**
   * Evidence bytes, to authorised roles only, checked against the SHA-256 kept with the alert (a file
   * changed on disk is refused and raises the alarm); every read is audited.
   */
  async evidenceBytes(ctx: AuditContext, alertId: string, evidenceId: string) {
    await this.visible(ctx, alertId);
    const e = await this.repo.evidenceItem(alertId, evidenceId);
    if (!e) throw notFound('evidence', evidenceId);
    // Stills and video as recorded show bystanders: their readers get the redacted copies instead.
    if (!maySee(ctx.actor, e.kind)) {
      await this.audit.record(
        ctx,
        'alert.evidence.denied',
        { type: 'alert', id: alertId },
        { evidenceId, kind: e.kind },
      );
      throw new HttpProblem(
        403,
        'Forbidden',
        `the ${e.kind} is unredacted (bystanders are in it): only ${originalRoles(e.kind)!.join(', ')} may see it; ` +
          'the redacted copy is with the same alert',
      );
    }
    let data: Buffer;
    try {
      data = await this.evidence.read(e.path, e.sha256);
    } catch (err) {
      if (err instanceof TamperedFileError) throw await this.tampered.raise(ctx, e);
      throw err;
    }
    await this.audit.record(ctx, 'alert.evidence.read', { type: 'alert', id: alertId }, { evidenceId, kind: e.kind });
    return { mime: e.mime, sha256: e.sha256, data };
  }

  /** The matched person's boxes through the alert's clip (the track the evidence worker found); audited as a read. */
  async clipTrack(ctx: AuditContext, alertId: string): Promise<ClipTrack> {
    const e = (await this.repo.evidence(alertId)).find((x) => x.kind === 'clip_track');
    if (!e) throw notFound('clip track of alert', alertId);
    const { data } = await this.evidenceBytes(ctx, alertId, e.id);
    return clipTrackSchema.parse(JSON.parse(data.toString()));
  }

  /**
   * new → acknowledged → resolved | false_positive; who did it and when is kept, and
   * everyone who received the alert is told (signed webhook; SSE from the journal).
   */
  async transition(
    ctx: AuditContext,
    id: string,
    action: AlertAction,
    note: string | undefined,
    outcome?: AlertOutcome,
  ) {
    const a = await this.visible(ctx, id);
    const t = TRANSITIONS[action];
    const now = Date.now();
    const { actor } = ctx;
    const event = `alert.${t.to}`;
    const deliveries = deliveryRows(id, priorRecipients(await this.repo.deliveries(id)), event, now);
    const seq = await this.repo.transaction(async (trx) => {
      const patch = { state: t.to, [t.at]: now, updatedAt: now, ...(outcome ? { outcome } : {}) };
      if (!(await trx.transition(id, t.from, patch))) return null;
      await trx.insertDeliveries(deliveries);
      await trx.insertAction({
        alertId: id,
        action,
        actorKeyId: actor.kind === 'key' ? actor.keyId : null,
        actorName: actorName(actor),
        note: note ?? null,
        at: now,
      });
      return this.ledger.journal(trx, id, event, now);
    });
    if (seq === null)
      throw new HttpProblem(
        409,
        'Conflict',
        `alert ${id} is ${a.state}; '${action}' needs state ${t.from.join(' or ')}`,
        { state: a.state },
      );
    await this.ledger.afterCommit(
      seq,
      id,
      deliveries.map((d) => d.id),
      null,
    );
    const detail = { ...(note ? { note } : {}), ...(outcome ? { outcome } : {}) };
    await this.audit.record(
      ctx,
      `alert.${action}`,
      { type: 'alert', id },
      Object.keys(detail).length ? detail : undefined,
    );
    return alertDto((await this.repo.get(id))!);
  }
}
