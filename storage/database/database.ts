import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../../pipeline/config/index.js';
import type { DB } from './database.types.js';
import { migrationProvider, type Dialect } from './migrations/index.js';

export type Database = Kysely<DB>;

export interface OpenDatabase {
  db: Database;
  dialect: Dialect;
  /** Where it lives, with any password hidden. */
  location: string;
  close(): Promise<void>;
}

const sqliteFiles = new WeakMap<Database, SQLite.Database>();

/**
 * The SQLite connection under `db` (undefined on PostgreSQL), for a write that must not span
 * event-loop turns: while an async transaction waits between statements, a second connection in the
 * same process (a test's spare worker) would block the whole thread in its busy wait.
 */
export const sqliteFileOf = (db: Database) => sqliteFiles.get(db);

/** PostgreSQL returns int8 as strings by default; our bigints are ms timestamps and fit a double. */
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
};

/**
 * Opens the system of record and brings its schema up to date: PostgreSQL when
 * `databaseUrl` is set, otherwise SQLite at `<dataDir>/watchpost.db`.
 */
export async function openDatabase(cfg: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<OpenDatabase> {
  let dialect: Dialect;
  let db: Database;
  let location: string;
  if (cfg.databaseUrl) {
    dialect = 'postgres';
    const pool = new pg.Pool({ connectionString: cfg.databaseUrl, max: 10, types: pgTypes as never });
    // An idle client whose connection the server ended (restart, fail-over, a dropped database) is
    // discarded by the pool and the next query opens a new one; with no listener that event kills the process.
    pool.on('error', () => {});
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    location = cfg.databaseUrl.replace(/\/\/[^@/]*@/, '//***@');
  } else {
    dialect = 'sqlite';
    const dir = resolve(cfg.dataDir);
    mkdirSync(dir, { recursive: true });
    location = join(dir, 'watchpost.db');
    const file = new SQLite(location);
    // WAL: readers never block the alerts writer; foreign keys are off by default in SQLite.
    file.pragma('journal_mode = WAL');
    file.pragma('foreign_keys = ON');
    file.pragma('busy_timeout = 5000');
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: file }), plugins: [new CamelCasePlugin()] });
    sqliteFiles.set(db, file);
  }
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed at ${location}: ${(error as Error).message ?? error}`);
  }
  return { db, dialect, location, close: () => db.destroy() };
}

/** True when the database answers a trivial query. */
export async function databaseReachable(db: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
