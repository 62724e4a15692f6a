import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPostgres, pgAvailable, type TestPostgres } from '../../test/postgres.js';
import { openDatabase, type OpenDatabase } from '../database/database.js';
import type { DB } from '../database/database.types.js';
import { migrationProvider } from '../database/migrations/index.js';
import { type AuditEntry, AuditRepository } from './audit.repository.js';

const execFileAsync = promisify(execFile);
const pgMissing = await pgAvailable();
if (pgMissing) console.warn(pgMissing);

const T0 = 1_800_000_000_000;
const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: T0 + i * 1000,
  actorKeyId: `key_${i % 3}`,
  actorName: `Operator ${i % 3} (operator)`,
  role: 'operator',
  action: 'alert.read',
  targetType: 'alert',
  targetId: `al_${i}`,
  detail: JSON.stringify({ n: i }),
  ip: '10.0.0.7',
  ...over,
});

/** A database of one engine, and a second connection to it (as a second process would have). */
async function openEngine(engine: 'sqlite' | 'postgres', cleanups: (() => Promise<void>)[]) {
  let where: { dataDir: string; databaseUrl: string | undefined };
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'wp-audit-'));
    where = { dataDir: dir, databaseUrl: undefined };
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  } else {
    const pg = (await createTestPostgres()) as TestPostgres;
    where = { dataDir: '/nonexistent', databaseUrl: pg.url };
    cleanups.push(() => pg.drop());
  }
  const open = async () => {
    const o = await openDatabase(where);
    cleanups.unshift(() => o.close());
    return o;
  };
  return { where, open };
}

/** The database without migrating it (openDatabase always brings it up to date). */
function rawDatabase(where: { dataDir: string; databaseUrl: string | undefined }): Kysely<DB> {
  const dialect = where.databaseUrl
    ? new PostgresDialect({ pool: new pg.Pool({ connectionString: where.databaseUrl }) })
    : new SqliteDialect({ database: new SQLite(join(where.dataDir, 'watchpost.db')) });
  return new Kysely<DB>({ dialect, plugins: [new CamelCasePlugin()] });
}

const seed = async (repo: AuditRepository, n: number, from = 0) => {
  for (let i = from; i < from + n; i++) await repo.insert(entry(i));
};
const ids = async (o: OpenDatabase) =>
  (await o.db.selectFrom('audit').select('id').orderBy('id').execute()).map((r) => Number(r.id));

describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('audit chain on %s', (engine, skipReason) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const fresh = async () => {
    const e = await openEngine(engine, cleanups);
    const o = await e.open();
    return { ...e, o, repo: new AuditRepository(o.db) };
  };

  it.skipIf(skipReason)('verifies an untouched chain with its count', async () => {
    const { repo } = await fresh();
    expect(await repo.verify()).toMatchObject({ ok: true, checked: 0 });
    await seed(repo, 5);
    const check = await repo.verify();
    expect(check).toMatchObject({ ok: true, checked: 5 });
    expect(check.ends.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.skipIf(skipReason)(
    'finds a changed field, a deleted middle entry, a move and missing newest entries',
    async () => {
      const { o, repo } = await fresh();
      await seed(repo, 6);
      const [, second, third, fourth, , sixth] = await ids(o);

      await o.db.updateTable('audit').set({ actorName: 'Someone else' }).where('id', '=', third!).execute();
      expect(await repo.verify()).toMatchObject({
        ok: false,
        checked: 2,
        broken: { id: third, problem: expect.stringMatching(/changed/) },
      });
      await o.db
        .updateTable('audit')
        .set({ actorName: entry(2).actorName })
        .where('id', '=', third!)
        .execute();
      expect((await repo.verify()).ok).toBe(true);

      // Moving entries: two rows trade places (their ids swapped through a free one).
      await o.db.updateTable('audit').set({ id: 999 }).where('id', '=', second!).execute();
      await o.db.updateTable('audit').set({ id: second! }).where('id', '=', third!).execute();
      await o.db.updateTable('audit').set({ id: third! }).where('id', '=', 999).execute();
      expect(await repo.verify()).toMatchObject({ ok: false, broken: { id: second } });
      await o.db.updateTable('audit').set({ id: 999 }).where('id', '=', second!).execute();
      await o.db.updateTable('audit').set({ id: second! }).where('id', '=', third!).execute();
      await o.db.updateTable('audit').set({ id: third! }).where('id', '=', 999).execute();
      expect((await repo.verify()).ok).toBe(true);

      await o.db.deleteFrom('audit').where('id', '=', sixth!).execute();
      expect(await repo.verify()).toMatchObject({
        ok: false,
        checked: 5,
        broken: { id: null, problem: expect.stringMatching(/newest entries missing/) },
      });

      await o.db.deleteFrom('audit').where('id', '=', fourth!).execute();
      expect(await repo.verify()).toMatchObject({
        ok: false,
        checked: 3,
        broken: { problem: expect.stringMatching(/link broken/) },
      });
    },
  );

  it.skipIf(skipReason)('finds an entry rewritten with a fresh hash, and one written outside the chain', async () => {
    const { o, repo } = await fresh();
    await seed(repo, 4);
    const all = await o.db.selectFrom('audit').selectAll().orderBy('id').execute();
    const { entryHash } = await import('../../pipeline/audit-chain.js');
    const forged = { ...all[3]!, id: Number(all[3]!.id), actorName: 'Nobody' };
    await o.db
      .updateTable('audit')
      .set({ actorName: 'Nobody', hash: entryHash(forged, forged.prevHash!) })
      .where('id', '=', forged.id)
      .execute();
    expect(await repo.verify()).toMatchObject({
      ok: false,
      broken: { id: forged.id, problem: expect.stringMatching(/head/) },
    });
    await o.db
      .updateTable('audit')
      .set({ actorName: all[3]!.actorName, hash: all[3]!.hash })
      .where('id', '=', forged.id)
      .execute();
    await o.db
      .insertInto('audit')
      .values({ ...entry(9), prevHash: null, hash: null })
      .execute();
    expect(await repo.verify()).toMatchObject({
      ok: false,
      broken: { problem: expect.stringMatching(/outside the chain/) },
    });
  });

  it.skipIf(skipReason)(
    'purges the oldest entries batch by batch and still verifies; later tampering is still found',
    async () => {
      const { o, repo } = await fresh();
      await seed(repo, 10);
      const cutoff = T0 + 7 * 1000; // entries 0..6 are older
      expect(await repo.purgeBefore(cutoff, 4)).toEqual({ deleted: 4, refused: null });
      expect(await repo.purgeBefore(cutoff, 4)).toEqual({ deleted: 3, refused: null });
      expect(await repo.purgeBefore(cutoff, 4)).toEqual({ deleted: 0, refused: null });
      const left = await ids(o);
      expect(left).toHaveLength(3);
      const check = await repo.verify();
      expect(check).toMatchObject({ ok: true, checked: 3 });
      expect(check.ends.anchorId).toBe(left[0]! - 1);

      await seed(repo, 2, 10);
      expect(await repo.verify()).toMatchObject({ ok: true, checked: 5 });
      // The oldest remaining entry deleted by hand is not a purge: its successor no longer links to the anchor.
      const [first, , , , newest] = await ids(o);
      await o.db.deleteFrom('audit').where('id', '=', first!).execute();
      expect(await repo.verify()).toMatchObject({
        ok: false,
        broken: { id: first! + 1, problem: expect.stringMatching(/link broken/) },
      });
      await o.db.deleteFrom('audit').where('id', '=', newest!).execute();
      expect((await repo.verify()).ok).toBe(false);
    },
  );

  it.skipIf(skipReason)(
    'refuses to purge a broken part (it would erase the evidence) and deletes nothing',
    async () => {
      const { o, repo } = await fresh();
      await seed(repo, 6);
      const [, second] = await ids(o);
      await o.db.updateTable('audit').set({ detail: '{"n":99}' }).where('id', '=', second!).execute();
      const purge = await repo.purgeBefore(T0 + 10_000, 100);
      expect(purge).toMatchObject({ deleted: 0, refused: { id: second } });
      expect(await ids(o)).toHaveLength(6);
    },
  );

  it.skipIf(skipReason)('appends from several processes at once form one chain', async () => {
    const { where, open } = await openEngine(engine, cleanups);
    const repo = new AuditRepository((await open()).db);
    await repo.insert(entry(0));
    // Each process opens the database first; they all start writing at the same moment.
    const startAt = String(Date.now() + 4000);
    const writer = (tag: string) =>
      execFileAsync(
        process.execPath,
        ['--import', 'tsx', 'test/audit-writer.ts', where.dataDir, where.databaseUrl ?? '-', '60', tag],
        {
          env: { ...process.env, START_AT: startAt, PAUSE_MS: '2' },
        },
      );
    await Promise.all(['a', 'b', 'c'].map(writer));
    const check = await repo.verify();
    expect(check).toMatchObject({ ok: true, checked: 181 });
    // Interleaved, not one process after another: the writers really overlapped.
    const names = (await repo.list({ limit: 500 }))
      .reverse()
      .slice(1)
      .map((r) => r.actorName);
    const switches = names.filter((n, i) => i > 0 && n !== names[i - 1]).length;
    expect(switches).toBeGreaterThan(3);
  });

  it.skipIf(skipReason)('hashes the entries written before the chain existed, from genesis', async () => {
    const { where, open } = await openEngine(engine, cleanups);
    // The schema as it was before 0008, with entries as it wrote them; then opened as today.
    const before = rawDatabase(where);
    const upTo7 = migrationProvider(engine);
    const migrator = new Migrator({
      db: before,
      provider: {
        getMigrations: async () =>
          Object.fromEntries(Object.entries(await upTo7.getMigrations()).filter(([n]) => n < '0008')),
      },
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    for (let i = 0; i < 3; i++) await before.insertInto('audit').values(entry(i)).execute();
    await before.destroy();
    const repo = new AuditRepository((await open()).db);
    await seed(repo, 2, 3);
    expect(await repo.verify()).toMatchObject({ ok: true, checked: 5 });
  });
});
