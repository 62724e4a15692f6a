import type { Database } from '../database/database.js';

/** Reads for the programme report: cases protected in a period, and its live alerts with their step times. */
export class ReportRepository {
  constructor(private readonly db: Database) {}

  /** Cases whose protection window overlaps [from, to), or that were opened in it. */
  cases(from: number, to: number) {
    return this.db
      .selectFrom('cases')
      .select(['id', 'createdAt', 'status', 'windowStart', 'windowEnd', 'activeHours', 'timezone'])
      .where((eb) =>
        eb.or([
          eb.and([eb('windowStart', '<', to), eb('windowEnd', '>', from)]),
          eb.and([eb('createdAt', '>=', from), eb('createdAt', '<', to)]),
        ]),
      )
      .execute();
  }

  /** Live alerts created in [from, to), with the time of each step. */
  alerts(from: number, to: number) {
    return this.db
      .selectFrom('alerts')
      .select(['kind', 'state', 'firstSeen', 'confirmedAt', 'acknowledgedAt', 'resolvedAt', 'outcome'])
      .where('createdAt', '>=', from)
      .where('createdAt', '<', to)
      .where('replayId', 'is', null)
      .execute();
  }
}
