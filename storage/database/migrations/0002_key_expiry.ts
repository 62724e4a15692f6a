import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

export const m0002KeyExpiry: StepMigration = ({ ts }: MigrationContext) => ({
  async up(db: MigrationDb) {
    // Keys may end by themselves (keys create --expires 90d); null: until revoked.
    await db.schema.alterTable('apiKeys').addColumn('expiresAt', ts).execute();
  },
});
