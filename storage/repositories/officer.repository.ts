import type { Database } from '../database/database.js';
import type { OfficerTable, ShiftTable } from '../database/database.types.js';

export class OfficerRepository {
  constructor(private readonly db: Database) {}

  insert(row: OfficerTable) {
    return this.db.insertInto('officers').values(row).execute();
  }

  get(id: string) {
    return this.db.selectFrom('officers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byBadge(badge: string) {
    return this.db.selectFrom('officers').select('id').where('badge', '=', badge).executeTakeFirst();
  }

  byIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db.selectFrom('officers').selectAll().where('id', 'in', ids).execute();
  }

  list(f: {
    limit: number;
    after?: { createdAt: number; id: string };
    district?: string;
    kind?: string;
    caseId?: string;
  }) {
    let q = this.db
      .selectFrom('officers')
      .selectAll()
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit);
    if (f.after) {
      const { createdAt, id } = f.after;
      q = q.where((eb) =>
        eb.or([eb('createdAt', '<', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)])]),
      );
    }
    if (f.district) q = q.where('district', '=', f.district);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.caseId) q = q.where('caseId', '=', f.caseId);
    return q.execute();
  }

  update(id: string, patch: Partial<OfficerTable>) {
    return this.db.updateTable('officers').set(patch).where('id', '=', id).execute();
  }

  delete(id: string) {
    return this.db.deleteFrom('officers').where('id', '=', id).execute();
  }

  insertShift(row: ShiftTable) {
    return this.db.insertInto('shifts').values(row).execute();
  }

  shift(id: string) {
    return this.db.selectFrom('shifts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  deleteShift(id: string) {
    return this.db.deleteFrom('shifts').where('id', '=', id).execute();
  }

  /** Shifts overlapping [from, to), oldest first. */
  shifts(f: { from: number; to: number; district?: string; officerId?: string; limit: number }) {
    let q = this.db
      .selectFrom('shifts')
      .selectAll()
      .where('startsAt', '<', f.to)
      .where('endsAt', '>', f.from)
      .orderBy('startsAt', 'asc')
      .orderBy('id', 'asc')
      .limit(f.limit);
    if (f.district) q = q.where('district', '=', f.district);
    if (f.officerId) q = q.where('officerId', '=', f.officerId);
    return q.execute();
  }

  /**
   * Responders with a shift in `district` covering `at`: the district's officers and, given a
   * case, that case's guards (first: they are at the residence), earliest shift start first.
   * Guards of other cases in the district are not theirs to send.
   */
  onDuty(district: string, at: number, caseId: string | null = null) {
    return this.db
      .selectFrom('shifts')
      .innerJoin('officers', 'officers.id', 'shifts.officerId')
      .selectAll('officers')
      .select(['shifts.id as shiftId', 'shifts.startsAt', 'shifts.endsAt'])
      .where('shifts.district', '=', district)
      .where('shifts.startsAt', '<=', at)
      .where('shifts.endsAt', '>', at)
      .where((eb) =>
        caseId === null
          ? eb('officers.kind', '=', 'officer')
          : eb.or([eb('officers.kind', '=', 'officer'), eb('officers.caseId', '=', caseId)]),
      )
      .orderBy((eb) => eb.case().when('officers.kind', '=', 'guard').then(0).else(1).end(), 'asc')
      .orderBy('shifts.startsAt', 'asc')
      .orderBy('officers.id', 'asc')
      .execute();
  }

  /** On-duty supervisors anywhere (the last escalation step). */
  supervisorsOnDuty(at: number) {
    return this.db
      .selectFrom('shifts')
      .innerJoin('officers', 'officers.id', 'shifts.officerId')
      .selectAll('officers')
      .where('officers.supervisor', '=', 1)
      .where('shifts.startsAt', '<=', at)
      .where('shifts.endsAt', '>', at)
      .orderBy('officers.id', 'asc')
      .execute();
  }
}
