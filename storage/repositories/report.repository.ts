import type { Database } from '../database/database.js';

/** The steps an alert's actions record, by the action's name. */
const STEP_ACTIONS = ['confirm', 'acknowledge', 'resolve'] as const;
type StepAction = (typeof STEP_ACTIONS)[number];

/** Reads for the programme report: cases protected in a period, and its live alerts with the time of each step. */
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

  /** Live alerts created in [from, to), each with the first time of each step in its actions. */
  async alerts(from: number, to: number) {
    const alerts = await this.db
      .selectFrom('alerts')
      .select(['id', 'kind', 'state', 'firstSeen', 'outcome'])
      .where('createdAt', '>=', from)
      .where('createdAt', '<', to)
      .where('replayId', 'is', null)
      .execute();
    const steps = new Map<string, Partial<Record<StepAction, number>>>();
    for (let i = 0; i < alerts.length; i += 500) {
      const rows = await this.db
        .selectFrom('alertActions')
        .select(['alertId', 'action'])
        .select((eb) => eb.fn.min('at').as('at'))
        .where(
          'alertId',
          'in',
          alerts.slice(i, i + 500).map((a) => a.id),
        )
        .where('action', 'in', [...STEP_ACTIONS])
        .groupBy(['alertId', 'action'])
        .execute();
      for (const r of rows) {
        const s = steps.get(r.alertId) ?? {};
        s[r.action as StepAction] = Number(r.at);
        steps.set(r.alertId, s);
      }
    }
    return alerts.map((a) => ({ ...a, steps: steps.get(a.id) ?? {} }));
  }
}
