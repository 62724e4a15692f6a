import { type AuditContext, actorName } from '../audit/audit-context.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Logger } from '../runtime/logger.js';
import { metrics } from '../runtime/metrics.js';
import { HttpProblem } from '../runtime/problem.js';
import type { EvidenceTable } from '../storage/database/database.types.js';
import type { AlertLedger } from './alert-ledger.js';
import { withFlags } from './alert.dto.js';

/**
 * What a refused read answers: which item, never where it lies on disk nor what it hashes to now.
 * A server-side fault (500): the client asked for nothing wrong, and must not retry its way past it.
 */
export const tamperedProblem = (what: string) =>
  new HttpProblem(
    500,
    'Integrity Check Failed',
    `${what} no longer matches its recorded SHA-256 (changed on disk), so it is not served; the alarm is raised ` +
      'and audited',
    { alarm: 'evidence_tampered' },
  );

/** One refused read of a stored file (evidence or an enrolment photo): counted, logged as an alarm, audited. */
export async function refuseTampered(
  log: Logger,
  audit: AuditService,
  ctx: AuditContext,
  f: { kind: string; what: string; target: { type: string; id: string }; detail: Record<string, unknown> },
): Promise<HttpProblem> {
  metrics.evidenceTampered.inc({ kind: f.kind });
  log.error(
    { alarm: 'evidence_tampered', kind: f.kind, target: f.target, ...f.detail, by: actorName(ctx.actor) },
    `${f.what} failed its hash check: refused`,
  );
  await audit.record(ctx, `${f.target.type}.${f.kind === 'photo' ? 'photo' : 'evidence'}.tampered`, f.target, {
    ...f.detail,
    kind: f.kind,
    outcome: 'refused',
  });
  return tamperedProblem(f.what);
}

/**
 * A stored evidence file failed its hash check when read: refused as every tampered file is
 * (`refuseTampered`), and shown on the alert itself (flag `evidence_tampered`, an action naming the
 * file, and a journal entry so every dashboard sees it at once), once per file.
 */
export class EvidenceTamperAlarm {
  constructor(
    private readonly ledger: AlertLedger,
    private readonly audit: AuditService,
    private readonly log: Logger,
  ) {}

  async raise(ctx: AuditContext, e: EvidenceTable): Promise<HttpProblem> {
    const problem = await refuseTampered(this.log, this.audit, ctx, {
      kind: e.kind,
      what: `${e.kind.replace('_', ' ')} ${e.id} of alert ${e.alertId}`,
      target: { type: 'alert', id: e.alertId },
      detail: { evidenceId: e.id, sha256: e.sha256 },
    });
    try {
      await this.markAlert(e, actorName(ctx.actor));
    } catch (err) {
      // The refusal and the audit stand; the alert's flag is what failed.
      this.log.error({ alertId: e.alertId, err: (err as Error).message }, 'could not flag the alert as tampered');
    }
    return problem;
  }
  private async markAlert(e: EvidenceTable, by: string): Promise<void> {
    const repo = this.ledger.repo;
    const marker = `evidence ${e.id} `;
    if ((await repo.actions(e.alertId)).some((a) => a.action === 'evidence_tampered' && a.note?.startsWith(marker)))
      return;
    const now = Date.now();
    const seq = await repo.transaction(async (trx) => {
      const a = await trx.get(e.alertId);
      if (!a) return 0;
      await trx.update(e.alertId, { flags: withFlags(a.flags, ['evidence_tampered']), updatedAt: now });
      await trx.insertAction({
        alertId: e.alertId,
        action: 'evidence_tampered',
        actorKeyId: null,
        actorName: 'system',
        note: `${marker}(${e.kind}, sha256 ${e.sha256}) no longer matches its hash on disk; refused to ${by}`,
        at: now,
      });
      return this.ledger.journal(trx, e.alertId, 'alert.updated', now);
    });
    await this.ledger.afterCommit(seq, e.alertId, [], null);
  }
}
