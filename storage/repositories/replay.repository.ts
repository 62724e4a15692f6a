import { join, resolve } from 'node:path';
import type { Database } from '../database/database.js';
import type { ReplayTable } from '../database/database.types.js';

const OPEN = ['queued', 'running'];

/** Where replays keep their files: `<root>/<replay id>/` holds the upload while it runs, the best frames after. */
export const replaysRoot = (dataDir: string) => join(resolve(dataDir), 'replays');

export class ReplayRepository {
  constructor(private readonly db: Database) {}

  insert(row: ReplayTable) {
    return this.db.insertInto('replays').values(row).execute();
  }

  get(id: string) {
    return this.db.selectFrom('replays').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first, without their results. */
  list() {
    return this.db
      .selectFrom('replays')
      .select([
        'id',
        'status',
        'source',
        'watchlist',
        'caseId',
        'uploadPath',
        'createdAt',
        'createdBy',
        'startedAt',
        'finishedAt',
        'error',
        'progress',
      ])
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  /** Replays not finished yet (queued or running). */
  open() {
    return this.db.selectFrom('replays').select('id').where('status', 'in', OPEN).execute();
  }

  /** Changes a replay that has not finished; a finished one stays as it is (reports may arrive twice). Returns whether it changed. */
  async updateOpen(id: string, patch: Partial<Omit<ReplayTable, 'id'>>): Promise<boolean> {
    const r = await this.db
      .updateTable('replays')
      .set(patch)
      .where('id', '=', id)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
