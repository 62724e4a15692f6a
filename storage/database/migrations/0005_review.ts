import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

/**
 * Review before dispatch (issue 18): each step of an alert's life gets its own time, so
 * "face seen -> confirmed -> acknowledged -> resolved" can be read off and measured, and
 * `flags` holds what a responder must know (unconfirmed, no_officer_on_duty).
 */
export const m0005Review: StepMigration = ({ ts }: MigrationContext) => ({
  async up(db: MigrationDb) {
    for (const col of [
      'reviewDueAt',
      'confirmedAt',
      'reviewMissedAt',
      'dispatchedAt',
      'acknowledgedAt',
      'resolvedAt',
      'rejectedAt',
    ])
      await db.schema.alterTable('alerts').addColumn(col, ts).execute();
    await db.schema
      .alterTable('alerts')
      .addColumn('flags', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    // Alerts raised before review existed went out at once.
    await db
      .updateTable('alerts')
      .set((eb) => ({ dispatchedAt: eb.ref('createdAt') }))
      .execute();
  },
});
