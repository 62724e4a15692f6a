import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../database/database.js';
import type { DB } from '../database/database.types.js';

/** Neither revoked nor past its expiry at `now`. */
const active =
  (now: number) =>
  ({ and, or, eb }: ExpressionBuilder<DB, 'apiKeys'>) =>
    and([eb('revokedAt', 'is', null), or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)])]);

export class ApiKeyRepository {
  constructor(private readonly db: Database) {}

  insert(row: {
    id: string;
    name: string;
    role: string;
    keyHash: string;
    keyPrefix: string;
    createdAt: number;
    expiresAt: number | null;
    officerId: string | null;
  }) {
    return this.db
      .insertInto('apiKeys')
      .values({ ...row, lastUsedAt: null, revokedAt: null })
      .execute();
  }

  findActiveByHash(keyHash: string, now = Date.now()) {
    return this.db
      .selectFrom('apiKeys')
      .selectAll()
      .where('keyHash', '=', keyHash)
      .where(active(now))
      .executeTakeFirst();
  }

  async isActive(id: string, now = Date.now()): Promise<boolean> {
    return (await this.activeAmong([id], now)).has(id);
  }

  /** Which of these keys are still usable (one query for every open stream's key). */
  async activeAmong(ids: string[], now = Date.now()): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db.selectFrom('apiKeys').select('id').where('id', 'in', ids).where(active(now)).execute();
    return new Set(rows.map((r) => r.id));
  }

  list() {
    return this.db
      .selectFrom('apiKeys')
      .select(['id', 'name', 'role', 'officerId', 'keyPrefix', 'createdAt', 'lastUsedAt', 'revokedAt', 'expiresAt'])
      .orderBy('createdAt', 'asc')
      .execute();
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('apiKeys')
      .set({ revokedAt: at })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  touch(id: string, at: number) {
    return this.db.updateTable('apiKeys').set({ lastUsedAt: at }).where('id', '=', id).execute();
  }
}
