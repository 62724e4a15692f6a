import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres, type TestPostgres } from '../../test/postgres.js';
import { openDatabase, type OpenDatabase } from '../database/database.js';
import type { ReplayTable } from '../database/database.types.js';
import { ReplayRepository } from './replay.repository.js';

const pgProbe = await createTestPostgres();
const pgMissing = 'unavailable' in pgProbe ? pgProbe.unavailable : null;
if (pgMissing) console.warn(pgMissing);
else await (pgProbe as TestPostgres).drop();

const row = (id: string, createdAt: number): ReplayTable => ({
  id,
  status: 'queued',
  source: 'porch.mp4',
  watchlist: 'every enrolled perpetrator',
  caseId: null,
  uploadPath: `/data/replays/${id}/upload.video`,
  createdAt,
  createdBy: 'analyst (analyst)',
  startedAt: null,
  finishedAt: null,
  error: null,
  progress: JSON.stringify({ frames: 0, total: 0, fps: 0, etaSec: null }),
  result: null,
});

/** Replay records (migration 0002) behave the same on both engines. */
describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('replay records on %s', (engine, skipReason) => {
  let open: OpenDatabase;
  let cleanup: () => Promise<void>;
  let repo: ReplayRepository;

  beforeAll(async () => {
    if (skipReason) return;
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'wp-replays-'));
      open = await openDatabase({ dataDir: dir, databaseUrl: undefined });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const pg = (await createTestPostgres()) as TestPostgres;
      open = await openDatabase({ dataDir: '/nonexistent', databaseUrl: pg.url });
      cleanup = () => pg.drop();
    }
    repo = new ReplayRepository(open.db);
  });
  afterAll(async () => {
    if (skipReason) return;
    await open.close();
    await cleanup();
  });

  it.skipIf(skipReason)('lists newest first without results, and round-trips a record', async () => {
    await repo.insert(row('r-old', 1_800_000_000_000));
    await repo.insert(row('r-new', 1_800_000_000_500));
    expect((await repo.list()).map((r) => r.id)).toEqual(['r-new', 'r-old']);
    expect(await repo.list()).not.toContainEqual(expect.objectContaining({ result: expect.anything() }));
    expect(await repo.get('r-old')).toEqual(row('r-old', 1_800_000_000_000));
    expect((await repo.open()).map((r) => r.id).sort()).toEqual(['r-new', 'r-old']);
  });

  it.skipIf(skipReason)(
    'changes open records only: a late or repeated report leaves a finished one as it is',
    async () => {
      expect(await repo.updateOpen('r-old', { status: 'running', startedAt: 1_800_000_001_000 })).toBe(true);
      expect(
        await repo.updateOpen('r-old', { status: 'done', result: '{"frames":3}', finishedAt: 1_800_000_002_000 }),
      ).toBe(true);
      expect(await repo.updateOpen('r-old', { status: 'failed', error: 'late' })).toBe(false);
      expect(await repo.get('r-old')).toMatchObject({ status: 'done', error: null, result: '{"frames":3}' });
      expect((await repo.open()).map((r) => r.id)).toEqual(['r-new']);
      expect(await repo.updateOpen('nope', { status: 'running' })).toBe(false);
    },
  );
});
