import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

export const m0004Replays: StepMigration = ({ ts }: MigrationContext) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable('replays')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('watchlist', 'text', (c) => c.notNull())
      .addColumn('caseId', 'text')
      .addColumn('uploadPath', 'text')
      .addColumn('createdAt', ts, (c) => c.notNull())
      .addColumn('createdBy', 'text', (c) => c.notNull())
      .addColumn('startedAt', ts)
      .addColumn('finishedAt', ts)
      .addColumn('error', 'text')
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .execute();
    await db.schema.createIndex('replaysCreated').on('replays').columns(['createdAt', 'id']).execute();
  },
});
