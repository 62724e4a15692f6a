import { Counter } from 'prom-client';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../pipeline/config/index.js';
import { registry } from '../runtime/metrics.js';
import type { CaseTable } from '../storage/database/database.types.js';
import type { OfficerRepository } from '../storage/repositories/officer.repository.js';
import type { AlertFlag } from './alert.dto.js';
import { controlRoom, type Recipient } from './recipients.js';

const noOfficer = new Counter({
  name: 'watchpost_alerts_no_officer_on_duty_total',
  help: 'Alerts sent to the fallback (supervisors elsewhere, then the control room): nobody on duty could take them',
  labelNames: ['fallback'],
  registers: [registry],
});

/** Who an alert goes to, what the responders must know about that, and a line for the alert's actions. */
export interface Responders {
  recipients: Recipient[];
  flags: AlertFlag[];
  note: string;
  /** Which fallback took it (null: the district's own officers). */
  fallback: 'supervisors' | 'control_room' | 'nobody' | null;
}

const reachable = (rs: readonly Recipient[]) => rs.filter((r) => r.webhookUrl);

/**
 * No alert without a recipient: the officers on duty in the case's district; when none of
 * them can be reached, the supervisors on duty anywhere; then the control room's receivers.
 * Whatever takes a fallback is flagged `no_officer_on_duty`, counted and audited.
 */
export class AlertDispatch {
  constructor(
    private readonly cfg: Pick<Config, 'alerts'>,
    private readonly officers: OfficerRepository,
    private readonly audit: AuditService,
  ) {}

  async responders(caseRow: CaseTable | null, at: number): Promise<Responders> {
    const district = caseRow?.district ?? null;
    // The case's guards on duty at the residence come first, with the district's officers.
    const onDuty = caseRow ? await this.officers.onDuty(caseRow.district, at, caseRow.id) : [];
    const silent = onDuty.length - reachable(onDuty).length;
    const noHook = silent ? `; ${silent} on duty without a webhook` : '';
    if (reachable(onDuty).length)
      return {
        recipients: onDuty,
        flags: [],
        note: `${reachable(onDuty).length} officer(s) on duty in ${district}${noHook}`,
        fallback: null,
      };
    const where = district ? `nobody reachable on duty in ${district}${noHook}` : 'no case, so no district';
    const supervisors = reachable(await this.officers.supervisorsOnDuty(at));
    if (supervisors.length)
      return {
        recipients: supervisors,
        flags: ['no_officer_on_duty'],
        note: `${where}: sent to ${supervisors.length} supervisor(s) on duty elsewhere`,
        fallback: 'supervisors',
      };
    const room = controlRoom(this.cfg);
    if (room.length)
      return {
        recipients: room,
        flags: ['no_officer_on_duty'],
        note: `${where}, no supervisor on duty: sent to the control room`,
        fallback: 'control_room',
      };
    return {
      recipients: [],
      flags: ['no_officer_on_duty', 'nobody_reached'],
      note: `${where}, no supervisor on duty and no control-room contact configured: nobody was sent it`,
      fallback: 'nobody',
    };
  }

  /** After the commit: the metric and the audit entry of an alert that went to a fallback. */
  async recordFallback(alertId: string, r: Responders): Promise<void> {
    if (!r.fallback) return;
    noOfficer.inc({ fallback: r.fallback });
    await this.audit.record(
      'system',
      'alert.no_officer_on_duty',
      { type: 'alert', id: alertId },
      {
        fallback: r.fallback,
        note: r.note,
      },
    );
  }
}
