import type { Config } from '../pipeline/config/index.js';
import { OPEN_STATES } from '../storage/repositories/alert.repository.js';
import type { CaseRepository } from '../storage/repositories/case.repository.js';
import type { OfficerRepository } from '../storage/repositories/officer.repository.js';
import type { AlertLedger } from './alert-ledger.js';
import { deliveryRows } from './recipients.js';

/** Levels after the first notification; the last one reaches every supervisor on duty. */
const LAST_LEVEL = 3;

/**
 * An alert nobody acknowledged in time goes further up: on-duty supervisors of
 * its district (level 1), then every on-duty supervisor (level 2+), each
 * officer at most once. Idempotent per level.
 */
export class AlertEscalationService {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    private readonly ledger: AlertLedger,
    private readonly cases: CaseRepository,
    private readonly officers: OfficerRepository,
  ) {}

  private get repo() {
    return this.ledger.repo;
  }

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
    const deliveries = deliveryRows(
      alertId,
      candidates.filter((o) => !already.has(o.id)),
      'alert.escalated',
      now,
    );
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
      return this.ledger.journal(trx, alertId, 'alert.escalated', now);
    });
    if (seq === null) return { escalated: false, notified: 0 };
    await this.ledger.afterCommit(
      seq,
      alertId,
      deliveries.map((d) => d.id),
      null,
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
