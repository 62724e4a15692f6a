import type { Database } from '../database/database.js';
import type { AuditTable } from '../database/database.types.js';

export type AuditEntry = Omit<AuditTable, 'id'>;

export class AuditRepository {
  constructor(private readonly db: Database) {}

  insert(entry: AuditEntry) {
    return this.db.insertInto('audit').values(entry).execute();
  }

  /** Newest first; `before` is the id to continue from. */
  list(f: {
    limit: number;
    before?: number;
    action?: string;
    targetType?: string;
    targetId?: string;
    actorKeyId?: string;
  }) {
    let q = this.db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(f.limit);
    if (f.before !== undefined) q = q.where('id', '<', f.before);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.targetType) q = q.where('targetType', '=', f.targetType);
    if (f.targetId) q = q.where('targetId', '=', f.targetId);
    if (f.actorKeyId) q = q.where('actorKeyId', '=', f.actorKeyId);
    return q.execute();
  }
}
