import type { Database } from '../database/database.js';
import type { CameraTable } from '../database/database.types.js';

export class CameraRepository {
  constructor(private readonly db: Database) {}

  insert(row: CameraTable) {
    return this.db.insertInto('cameras').values(row).execute();
  }

  get(id: string) {
    return this.db.selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(f: { limit: number; after?: { createdAt: number; id: string }; caseId?: string }) {
    let q = this.db.selectFrom('cameras').selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(f.limit);
    if (f.after) {
      const { createdAt, id } = f.after;
      q = q.where((eb) =>
        eb.or([eb('createdAt', '<', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)])]),
      );
    }
    if (f.caseId) q = q.where('caseId', '=', f.caseId);
    return q.execute();
  }

  all() {
    return this.db.selectFrom('cameras').selectAll().orderBy('id').execute();
  }

  update(id: string, patch: Partial<CameraTable>) {
    return this.db.updateTable('cameras').set(patch).where('id', '=', id).execute();
  }

  delete(id: string) {
    return this.db.deleteFrom('cameras').where('id', '=', id).execute();
  }
}
