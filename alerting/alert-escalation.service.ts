import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../pipeline/config/index.js';
import { OPEN_STATES } from '../storage/repositories/alert.repository.js';
import type { CaseRepository } from '../storage/repositories/case.repository.js';
import type { OfficerRepository } from '../storage/repositories/officer.repository.js';
import type { AlertLedger } from './alert-ledger.js';
import { deliveryRows } from './recipients.js';

/** Levels after the first notification; the last one reaches every supervisor on duty. */
const LAST_LEVEL = 3;

/**
 * An alert nobody acknowledged in time goes further up, to someone new at every
 * level: on-duty supervisors of its district (level 1), then on-duty supervisors
 * anywhere (level 2+), each officer at most once; a level with nobody left says
 * so in the alert's actions. Idempotent per level.
 */
export class AlertEscalationService {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    private readonly ledger: AlertLedger,
    private readonly cases: CaseRepository,
    private readonly officers: OfficerRepository,
    private readonly audit: AuditService,
  ) {}

  private get repo() {
    return this.ledger.repo;
  }

  async escalate(alertId: string, level: number): Promise<{ escalated: boolean; notified: number }> {
    const a = await this.repo.get(alertId);
    if (a?.state !== 'new' || a.escalationLevel >= level) return { escalated: false, notified: 0 };
    const now = Date.now();
    const caseRow = a.caseId ? await this.cases.get(a.caseId) : undefined;
    const already = await this.repo.notifiedOfficers(alertId);
    // Each level reaches someone new: the district's supervisors first, then supervisors anywhere;
    // a tier whose people all have the alert already passes on to the next one.
    const tiers = [
      async () =>
        caseRow ? (await this.officers.onDuty(caseRow.district, now)).filter((o) => o.supervisor === 1) : [],
      () => this.officers.supervisorsOnDuty(now),
    ];
    let deliveries: ReturnType<typeof deliveryRows> = [];
    for (const tier of tiers.slice(Math.min(level - 1, tiers.length - 1))) {
      const fresh = (await tier()).filter((o) => !already.has(o.id));
      deliveries = deliveryRows(alertId, fresh, 'alert.escalated', now);
      if (deliveries.length) break;
    }
    const reached = deliveries.length
      ? `notified ${deliveries.length} officer(s)`
      : 'nobody left to reach: every supervisor on duty with a webhook already has it';
    const seq = await this.repo.transaction(async (trx) => {
      if (!(await trx.transition(alertId, ['new'], { escalationLevel: level, updatedAt: now }))) return null;
      await trx.insertDeliveries(deliveries);
      await trx.insertAction({
        alertId,
        action: 'escalated',
        actorKeyId: null,
        actorName: 'system',
        note: `level ${level}: not acknowledged within ${this.cfg.alerts.escalateAfterSeconds}s; ${reached}`,
        at: now,
      });
      return this.ledger.journal(trx, alertId, 'alert.escalated', now);
    });
    if (seq === null) return { escalated: false, notified: 0 };
    await this.ledger.afterCommit(
      seq,
      alertId,
      deliveries.map((d) => d.id),
      null,
    );
    await this.audit.record(
      'system',
      'alert.escalate',
      { type: 'alert', id: alertId },
      { level, notified: deliveries.length },
    );
    if (level < LAST_LEVEL) await this.ledger.scheduleEscalation(alertId, level + 1).catch(() => {});
    return { escalated: true, notified: deliveries.length };
  }

  /** Alerts still new whose escalation may have been lost (crash between commit and scheduling). */
  async openUnescalated() {
    const open = await this.repo.list({
      limit: 500,
      state: OPEN_STATES.filter((s) => s === 'new'),
      replay: 'exclude',
    });
    return open.filter((a) => Date.now() - a.updatedAt > this.ledger.escalateMs);
  }
}
