import type { Migration, MigrationProvider } from 'kysely';
import { m0001Init } from './0001_init.js';
import { m0002KeyExpiry } from './0002_key_expiry.js';
import { m0003PhotoQuality } from './0003_photo_quality.js';
import { m0004Replays } from './0004_replays.js';
import { m0005Review } from './0005_review.js';
import { m0006Responders } from './0006_responders.js';
import { m0007DeliveryAlarm } from './0007_delivery_alarm.js';
import { m0008AuditChain } from './0008_audit_chain.js';
import type { Dialect, MigrationContext, StepMigration } from './migration.js';

export type { Dialect } from './migration.js';

/** The schema, as ordered migrations shared by both engines; one file per step, named by its order. */
const STEPS: Record<string, StepMigration> = {
  '0001_init': m0001Init,
  '0002_key_expiry': m0002KeyExpiry,
  '0003_photo_quality': m0003PhotoQuality,
  '0004_replays': m0004Replays,
  '0005_review': m0005Review,
  '0006_responders': m0006Responders,
  '0007_delivery_alarm': m0007DeliveryAlarm,
  '0008_audit_chain': m0008AuditChain,
};

export const migrationProvider = (dialect: Dialect): MigrationProvider => ({
  getMigrations: async () => {
    const ctx: MigrationContext = {
      dialect,
      serial: dialect === 'postgres' ? 'bigserial' : 'integer',
      ts: 'bigint',
      real: 'double precision',
    };
    return Object.fromEntries(Object.entries(STEPS).map(([name, step]) => [name, step(ctx)])) as Record<
      string,
      Migration
    >;
  },
});
