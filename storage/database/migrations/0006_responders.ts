import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

export const m0006Responders: StepMigration = (_ctx: MigrationContext) => ({
  async up(db: MigrationDb) {
    const s = db.schema;
    // An officer's key acts as that officer: sees the alerts of their district, recorded by name.
    await s.alterTable('apiKeys').addColumn('officerId', 'text').execute();
    // Contracted guards are responders of one case (its residence), on shifts like officers.
    await s
      .alterTable('officers')
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('officer'))
      .execute();
    await s.alterTable('officers').addColumn('caseId', 'text').execute();
    await s.createIndex('officersCase').on('officers').column('caseId').execute();
    // What resolving an alert found: intercepted, arrested, no_contact, false_alarm.
    await s.alterTable('alerts').addColumn('outcome', 'text').execute();
    await s.createIndex('alertsCase').on('alerts').columns(['caseId', 'createdAt']).execute();
  },
});
