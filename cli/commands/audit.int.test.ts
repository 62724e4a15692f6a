import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../storage/database/database.js';
import { AuditRepository } from '../../storage/repositories/audit.repository.js';
import { createTestPostgres, pgAvailable, type TestPostgres } from '../../test/postgres.js';

const pgMissing = await pgAvailable();
if (pgMissing) console.warn(pgMissing);

/**
 * The real CLI, asynchronously: a synchronous spawn would hold this test worker's event loop for the
 * whole command, and a worker silent past 60 s fails the run (vitest's RPC timeout).
 */
const run = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/watchpost.js', ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('watchpost audit verify on %s', (engine, skipReason) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it.skipIf(skipReason)(
    'reports OK with the count, the first broken link with exit 1, and OK again after a purge',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'wp-cli-audit-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      let databaseUrl: string | undefined;
      if (engine === 'postgres') {
        const pg = (await createTestPostgres()) as TestPostgres;
        cleanups.push(() => pg.drop());
        databaseUrl = pg.url;
      }
      const env = { WATCHPOST_DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? '' };
      // Key operations on the CLI are in the chain too.
      expect((await run(['keys', 'create', '--role', 'analyst', '--name', 'auditor'], env)).status).toBe(0);
      const { db, close } = await openDatabase({ dataDir, databaseUrl });
      cleanups.unshift(close);
      const repo = new AuditRepository(db);
      const t0 = Date.now() + 1000;
      for (let i = 0; i < 4; i++)
        await repo.insert({
          at: t0 + i,
          actorKeyId: null,
          actorName: 'system',
          role: null,
          action: 'test.entry',
          targetType: 'test',
          targetId: String(i),
          detail: null,
          ip: null,
        });
      const rows = await db.selectFrom('audit').select(['id', 'action']).orderBy('id').execute();
      expect(rows[0]!.action).toBe('key.create');
      const ids = rows.map((r) => Number(r.id));

      const ok = await run(['audit', 'verify'], env);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(
        new RegExp(`^OK: 5 audit entries verified from the first entry to entry ${ids[4]} \\(head [0-9a-f]{64}\\)`),
      );

      // A purge is not tampering: the chain verifies from the last entry it removed.
      expect(await repo.purgeBefore(t0 + 1, 100)).toEqual({ deleted: 2, refused: null });
      const purged = await run(['audit', 'verify'], env);
      expect(purged.status, purged.stderr).toBe(0);
      expect(purged.stdout).toContain(`OK: 3 audit entries verified from after entry ${ids[1]} (older ones purged)`);

      await db.updateTable('audit').set({ targetId: 'elsewhere' }).where('id', '=', ids[3]!).execute();
      const edited = await run(['audit', 'verify'], env);
      expect(edited.status).toBe(1);
      expect(edited.stdout).toContain(`BROKEN at entry ${ids[3]}: fields changed`);
      await db.updateTable('audit').set({ targetId: '2' }).where('id', '=', ids[3]!).execute();

      await db.deleteFrom('audit').where('id', '=', ids[3]!).execute();
      const json = await run(['audit', 'verify', '--json'], env);
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        checked: 1,
        broken: { id: ids[4], problem: expect.stringMatching(/link broken/) },
      });
    },
  );
});
