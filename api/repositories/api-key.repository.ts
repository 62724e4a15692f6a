import type { Database } from '../database/database.js';

export class ApiKeyRepository {
  constructor(private readonly db: Database) {}

  insert(row: { id: string; name: string; role: string; keyHash: string; keyPrefix: string; createdAt: number }) {
    return this.db
      .insertInto('apiKeys')
      .values({ ...row, lastUsedAt: null, revokedAt: null })
      .execute();
  }

  findActiveByHash(keyHash: string) {
    return this.db
      .selectFrom('apiKeys')
      .selectAll()
      .where('keyHash', '=', keyHash)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
  }

  async isActive(id: string): Promise<boolean> {
    return (
      (await this.db
        .selectFrom('apiKeys')
        .select('id')
        .where('id', '=', id)
        .where('revokedAt', 'is', null)
        .executeTakeFirst()) !== undefined
    );
  }

  list() {
    return this.db
      .selectFrom('apiKeys')
      .select(['id', 'name', 'role', 'keyPrefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
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
