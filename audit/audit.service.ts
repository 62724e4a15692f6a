import type { AuditRepository } from '../storage/repositories/audit.repository.js';
import { actorName, type AuditContext } from './audit-context.js';

/** Audit of every read and change of biometric data and every alert action. */
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(
    ctx: AuditContext | 'system',
    action: string,
    target: { type: string; id?: string | null },
    detail?: Record<string, unknown>,
  ): Promise<void> {
    const actor = ctx === 'system' ? null : ctx.actor;
    await this.repo.insert({
      at: Date.now(),
      actorKeyId: actor?.kind === 'key' ? actor.keyId : null,
      actorName: actor ? actorName(actor) : 'system',
      role: actor?.kind === 'key' ? actor.role : null,
      action,
      targetType: target.type,
      targetId: target.id ?? null,
      detail: detail ? JSON.stringify(detail) : null,
      ip: ctx === 'system' ? null : ctx.address,
    });
  }

  list(f: Parameters<AuditRepository['list']>[0]) {
    return this.repo.list(f);
  }
}
