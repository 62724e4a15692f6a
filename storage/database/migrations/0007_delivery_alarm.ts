import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

export const m0007DeliveryAlarm: StepMigration = ({ ts }: MigrationContext) => ({
  /** When a delivery's alarm was raised: once per delivery, even across restarts of the alerts worker. */
  async up(db: MigrationDb) {
    await db.schema.alterTable('webhookDeliveries').addColumn('alarmedAt', ts).execute();
  },
});
