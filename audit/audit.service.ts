import type { AuditFilter, AuditRepository } from '../storage/repositories/audit.repository.js';
import { actorName, type AuditContext, type Unkeyed } from './audit-context.js';

/** Audit of every read and change of biometric data and every alert action. */
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(
    ctx: AuditContext | Unkeyed | 'system',
    action: string,
    target: { type: string; id?: string | null },
    detail?: Record<string, unknown>,
  ): Promise<void> {
    const actor = typeof ctx === 'object' && 'actor' in ctx ? ctx.actor : null;
    const unkeyed = typeof ctx === 'object' && 'name' in ctx ? ctx : null;
    await this.repo.insert({
      at: Date.now(),
      actorKeyId: actor?.kind === 'key' ? actor.keyId : null,
      actorName: actor ? actorName(actor) : (unkeyed?.name ?? 'system'),
      role: actor?.kind === 'key' ? actor.role : null,
      action,
      targetType: target.type,
      targetId: target.id ?? null,
      detail: detail ? JSON.stringify(detail) : null,
      ip: typeof ctx === 'object' ? ctx.address : null,
    });
  }

  list(f: AuditFilter) {
    return this.repo.list(f);
  }

  /** Every entry the filter matches, newest first, a page at a time (an export of any length in bounded memory). */
  async *pages(f: Omit<AuditFilter, 'limit'>, pageSize = 1000) {
    let before = f.before;
    for (;;) {
      const rows = await this.repo.list({ ...f, before, limit: pageSize });
      if (rows.length) yield rows;
      if (rows.length < pageSize) return;
      before = rows[rows.length - 1]!.id;
    }
  }
}
