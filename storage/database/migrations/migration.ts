import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema of its time, not today's types
export type MigrationDb = Kysely<any>;

export type Dialect = 'sqlite' | 'postgres';

/** What differs between the engines: only the auto-increment key (SQLite `integer autoincrement`, PostgreSQL `bigserial`). */
export interface MigrationContext {
  dialect: Dialect;
  serial: 'bigserial' | 'integer';
  ts: 'bigint';
  real: 'double precision';
}

export type StepMigration = (ctx: MigrationContext) => Migration;
