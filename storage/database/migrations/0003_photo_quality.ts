import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

export const m0003PhotoQuality: StepMigration = (_ctx: MigrationContext) => ({
  /** Enrolment photos carry the gate's quality; photos enrolled before the gate are flagged when they fail it. */
  async up(db: MigrationDb) {
    await db.schema.alterTable('photos').addColumn('quality', 'text').execute();
    await db.schema.alterTable('photos').addColumn('gateRefusal', 'text').execute();
  },
});
