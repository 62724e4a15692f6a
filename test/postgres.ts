import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env.WATCHPOST_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgres {
  url: string;
  drop(): Promise<void>;
}

/**
 * A PostgreSQL database of this test's own (random name), dropped afterwards;
 * null, with the reason, when no server answers.
 */
export async function createTestPostgres(): Promise<TestPostgres | { unavailable: string }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (err) {
    return {
      unavailable: `PostgreSQL at ${ADMIN_URL} is unreachable (${(err as Error).message}): PostgreSQL tests skipped`,
    };
  }
  const name = `wptest_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Probed once per test file: the engines the storage tests run on. */
export async function pgAvailable(): Promise<string | null> {
  const probe = await createTestPostgres();
  if ('unavailable' in probe) return probe.unavailable;
  await probe.drop();
  return null;
}
