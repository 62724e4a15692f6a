import type { Request } from 'express';
import { actorName, type Actor } from '../http/roles.js';
import type { AuditRepository } from '../repositories/audit.repository.js';

/** Audit of every read and change of biometric data and every alert action. */
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(
    actor: Actor | 'system',
    action: string,
    target: { type: string; id?: string | null },
    detail?: Record<string, unknown>,
    req?: Request,
  ): Promise<void> {
    await this.repo.insert({
      at: Date.now(),
      actorKeyId: actor !== 'system' && actor.kind === 'key' ? actor.keyId : null,
      actorName: actor === 'system' ? 'system' : actorName(actor),
      role: actor !== 'system' && actor.kind === 'key' ? actor.role : null,
      action,
      targetType: target.type,
      targetId: target.id ?? null,
      detail: detail ? JSON.stringify(detail) : null,
      ip: req?.ip ?? null,
    });
  }

  list(f: Parameters<AuditRepository['list']>[0]) {
    return this.repo.list(f);
  }
}
