import type { Database } from '../database/database.js';
import type { CaseTable } from '../database/database.types.js';

export class CaseRepository {
  constructor(private readonly db: Database) {}

  async insert(row: CaseTable, perpetratorIds: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('cases').values(row).execute();
      if (perpetratorIds.length)
        await trx
          .insertInto('casePerpetrators')
          .values(perpetratorIds.map((perpetratorId) => ({ caseId: row.id, perpetratorId })))
          .execute();
    });
  }

  get(id: string) {
    return this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findBySosTokenHash(hash: string) {
    return this.db.selectFrom('cases').selectAll().where('sosTokenHash', '=', hash).executeTakeFirst();
  }

  list(f: {
    limit: number;
    after?: { createdAt: number; id: string };
    status?: string;
    district?: string;
    perpetratorId?: string;
  }) {
    let q = this.db
      .selectFrom('cases')
      .selectAll('cases')
      .orderBy('cases.createdAt', 'desc')
      .orderBy('cases.id', 'desc')
      .limit(f.limit);
    if (f.after) {
      const { createdAt, id } = f.after;
      q = q.where((eb) =>
        eb.or([
          eb('cases.createdAt', '<', createdAt),
          eb.and([eb('cases.createdAt', '=', createdAt), eb('cases.id', '<', id)]),
        ]),
      );
    }
    if (f.status) q = q.where('cases.status', '=', f.status);
    if (f.district) q = q.where('cases.district', '=', f.district);
    if (f.perpetratorId)
      q = q.where('cases.id', 'in', (eb) =>
        eb.selectFrom('casePerpetrators').select('caseId').where('perpetratorId', '=', f.perpetratorId!),
      );
    return q.execute();
  }

  all() {
    return this.db.selectFrom('cases').selectAll().execute();
  }

  async update(id: string, patch: Partial<CaseTable>, perpetratorIds?: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('cases').set(patch).where('id', '=', id).execute();
      if (perpetratorIds) {
        await trx.deleteFrom('casePerpetrators').where('caseId', '=', id).execute();
        if (perpetratorIds.length)
          await trx
            .insertInto('casePerpetrators')
            .values(perpetratorIds.map((perpetratorId) => ({ caseId: id, perpetratorId })))
            .execute();
      }
    });
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('cases').where('id', '=', id).execute();
  }

  /** caseId -> perpetrator ids, for the given cases (all when omitted). */
  async links(caseIds?: string[]): Promise<Map<string, string[]>> {
    if (caseIds && !caseIds.length) return new Map();
    let q = this.db.selectFrom('casePerpetrators').selectAll().orderBy('perpetratorId');
    if (caseIds) q = q.where('caseId', 'in', caseIds);
    const map = new Map<string, string[]>();
    for (const r of await q.execute()) map.set(r.caseId, [...(map.get(r.caseId) ?? []), r.perpetratorId]);
    return map;
  }

  async existingPerpetrators(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db.selectFrom('perpetrators').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }
}
