import type { AuditContext } from '../../audit/audit-context.js';
import type { AuditService } from '../../audit/audit.service.js';
import { parseSchedule } from '../../pipeline/protection-window.js';
import { programmeReport } from '../../pipeline/programme-report.js';
import type { ReportRepository } from '../../storage/repositories/report.repository.js';

/** The programme report: what an agency reads to judge whether protection works. */
export class ReportService {
  constructor(
    private readonly repo: ReportRepository,
    private readonly audit: AuditService,
  ) {}

  async programme(ctx: AuditContext, from: number, to: number) {
    const [cases, alerts] = await Promise.all([this.repo.cases(from, to), this.repo.alerts(from, to)]);
    const report = programmeReport(
      from,
      to,
      cases.map(parseSchedule),
      alerts.map((a) => ({
        kind: a.kind,
        seenAt: a.firstSeen,
        confirmedAt: a.confirmedAt,
        acknowledgedAt: a.acknowledgedAt,
        resolvedAt: a.resolvedAt,
        outcome: a.outcome,
        falsePositive: a.state === 'false_positive',
      })),
    );
    await this.audit.record(ctx, 'report.read', { type: 'report', id: 'programme' }, { from, to });
    return report;
  }
}
