import type { ExpressionBuilder } from 'kysely';
import { CLIP_FILE_KINDS } from '../../pipeline/queues.js';
import type { RetentionCutoffs } from '../../pipeline/retention.js';
import type { Database } from '../database/database.js';
import type { DB } from '../database/database.types.js';
import { OPEN_STATES } from './alert.repository.js';

/** What deleting some alerts took with them (rows; their files are the caller's). */
export interface DeletedAlerts {
  alerts: number;
  evidence: number;
  clips: number;
  deliveries: number;
}

type Alerts = ExpressionBuilder<DB, 'alerts'>;

/** A false positive: rejected in review, marked one later, or resolved as a false alarm. */
const falsePositive = (eb: Alerts) =>
  eb.or([
    eb('state', '=', 'false_positive'),
    eb.and([eb('state', '=', 'resolved'), eb('outcome', '=', 'false_alarm')]),
  ]);

/**
 * The retention purge's queries: which alerts and replays have outlived the policy, and deleting
 * them with every row that hangs off them, a batch per transaction (pipeline/retention.ts says when).
 */
export class RetentionRepository {
  constructor(private readonly db: Database) {}

  /** Ids of up to `limit` alerts past their lifetime (open alerts of open cases never are). */
  async expiredAlerts(c: RetentionCutoffs, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([
            falsePositive(eb),
            eb(eb.fn.coalesce('rejectedAt', 'resolvedAt', 'updatedAt'), '<', c.falsePositive),
          ]),
          eb.and([
            eb('state', '=', 'resolved'),
            eb.or([eb('outcome', 'is', null), eb('outcome', '!=', 'false_alarm')]),
            eb(eb.fn.coalesce('resolvedAt', 'updatedAt'), '<', c.resolved),
          ]),
          eb.and([
            eb('state', 'in', OPEN_STATES),
            eb(
              'caseId',
              'in',
              eb
                .selectFrom('cases')
                .select('cases.id')
                .where('cases.status', '=', 'closed')
                .where('cases.updatedAt', '<', c.closedCase),
            ),
          ]),
          eb.and([eb('replayId', 'is not', null), eb('createdAt', '<', c.replay)]),
        ]),
      )
      .orderBy('createdAt')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** False positives that name this perpetrator (deleting the perpetrator deletes them at once). */
  async falsePositivesOf(perpetratorId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .select('id')
      .where('perpetratorId', '=', perpetratorId)
      .where((eb) => falsePositive(eb))
      .execute();
    return rows.map((r) => r.id);
  }

  /** Deletes the alerts with their evidence rows, clips, deliveries, actions, sources and journal entries. */
  deleteAlerts(ids: string[]): Promise<DeletedAlerts> {
    const none = { alerts: 0, evidence: 0, clips: 0, deliveries: 0 };
    if (!ids.length) return Promise.resolve(none);
    return this.db.transaction().execute(async (trx) => {
      const evidence = await trx.selectFrom('evidence').select('kind').where('alertId', 'in', ids).execute();
      const deliveries = await trx.deleteFrom('webhookDeliveries').where('alertId', 'in', ids).executeTakeFirst();
      await trx.deleteFrom('evidence').where('alertId', 'in', ids).execute();
      await trx.deleteFrom('alertActions').where('alertId', 'in', ids).execute();
      await trx.deleteFrom('alertSources').where('alertId', 'in', ids).execute();
      // The journal the SSE stream replays from holds the alert too (name, evidence links).
      await trx.deleteFrom('alertEvents').where('alertId', 'in', ids).execute();
      const alerts = await trx.deleteFrom('alerts').where('id', 'in', ids).executeTakeFirst();
      const clipKinds: readonly string[] = CLIP_FILE_KINDS;
      return {
        alerts: Number(alerts.numDeletedRows),
        evidence: evidence.length,
        clips: evidence.filter((e) => clipKinds.includes(e.kind)).length,
        deliveries: Number(deliveries.numDeletedRows),
      };
    });
  }

  /** Ids of up to `limit` replays that ended before `cutoff` (open ones are never expired). */
  async expiredReplays(cutoff: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('replays')
      .select('id')
      .where('status', 'not in', ['queued', 'running'])
      .where((eb) => eb(eb.fn.coalesce('finishedAt', 'createdAt'), '<', cutoff))
      .orderBy('createdAt')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async deleteReplays(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const r = await this.db.deleteFrom('replays').where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
