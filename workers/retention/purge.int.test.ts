import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionService } from '../../alerting/retention.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { createLogger } from '../../runtime/logger.js';
import { Shutdown } from '../../runtime/shutdown.js';
import { openDatabase, type OpenDatabase } from '../../storage/database/database.js';
import { createRepositories, type Repositories } from '../../storage/repositories/index.js';
import { replaysRoot } from '../../storage/repositories/replay.repository.js';
import { startApiFixture, type ApiFixture } from '../../test/api-fixture.js';
import { seedRetention, type RetentionSeed } from '../../test/factories/retention.factory.js';
import { pgAvailable } from '../../test/postgres.js';
import { until } from '../../test/until.js';
import { startRetentionWorker } from './index.js';

/**
 * The retention purge as an attacker of the policy would check it: a database, evidence store,
 * replay folder and Redis seeded with known survivors, one real run of the retention worker's
 * repeatable job, then a count of what is left. Nothing expired remains, nothing else is lost.
 */
const pgMissing = await pgAvailable();
if (pgMissing) console.warn(pgMissing);

describe.each([
  ['sqlite', null],
  ['postgres', pgMissing],
] as const)('retention purge on %s', (engine, skipReason) => {
  let api: ApiFixture;
  let open: OpenDatabase;
  let redis: Redis;
  let repos: Repositories;
  let seed: RetentionSeed;

  beforeAll(async () => {
    if (skipReason) return;
    // Small batches, so a run takes several; track-log entries live an hour.
    api = await startApiFixture(`retention-${engine}`, {
      engine,
      overrides: { 'retention.batchSize': 2, 'retention.bystanderSeconds': 3600 },
    });
    open = await openDatabase(api.cfg);
    redis = new Redis(api.redisUrl);
    repos = createRepositories(api.cfg, open.db, redis);
    seed = await seedRetention(api.cfg, open.db, repos, redis, repos.pipeline.keys);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await open?.close();
    await api?.close();
  });

  it.skipIf(skipReason)(
    'deletes exactly what expired, with its files, in one audited run of the job',
    async () => {
      const log = createLogger({ log: { level: 'silent', format: 'json' } });
      const worker = await startRetentionWorker({
        cfg: api.cfg,
        log,
        redisUrl: api.redisUrl,
        shutdown: new Shutdown(log),
      });
      const service = new RetentionService({ cfg: api.cfg, repos, audit: new AuditService(repos.audit), log });
      // The job scheduler's first run comes at once.
      const run = await until('the first purge run', () => service.lastRun(), 20_000);
      // The API shows the run the worker recorded, and the schedule's next one.
      const status = (await api.call('GET', '/v1/retention')).body;
      await worker.close();
      expect(status.lastRun).toEqual(run);
      expect(status.nextRunAt).toBeGreaterThan(run.startedAt);

      expect(run.error).toBeNull();
      expect(run.counts).toMatchObject({
        alerts: seed.expiredAlerts.length,
        evidenceFiles: seed.expected.evidenceFiles,
        clips: seed.expected.clips,
        deliveries: seed.expected.deliveries,
        replays: seed.expiredReplays.length,
        replayFrames: seed.expected.replayFrames,
        trackLogEntries: seed.expected.trackLogEntries,
        auditEntries: seed.expected.auditEntries,
      });

      const alerts = (await open.db.selectFrom('alerts').select('id').execute()).map((a) => a.id).sort();
      expect(alerts).toEqual([...seed.keptAlerts].sort());
      for (const table of ['evidence', 'webhookDeliveries', 'alertActions', 'alertEvents'] as const) {
        const rows = await open.db.selectFrom(table).select('alertId').execute();
        expect(
          rows.filter((r) => seed.expiredAlerts.includes(r.alertId)),
          table,
        ).toEqual([]);
        expect(new Set(rows.map((r) => r.alertId)).size, table).toBeGreaterThan(0);
      }
      for (const id of seed.expiredAlerts) expect(existsSync(join(repos.evidence.root, id)), id).toBe(false);
      // Every surviving file is still there and still hashes to its name.
      for (const id of seed.keptAlerts)
        for (const p of seed.files.get(id)!) await expect(repos.evidence.read(p)).resolves.toBeTruthy();

      const replays = (await open.db.selectFrom('replays').select('id').execute()).map((r) => r.id).sort();
      expect(replays).toEqual([...seed.keptReplays].sort());
      const root = replaysRoot(api.cfg.dataDir);
      for (const id of seed.expiredReplays) expect(existsSync(join(root, id)), id).toBe(false);
      for (const id of seed.keptReplays) expect(existsSync(join(root, id, 'track-0.jpg')), id).toBe(true);

      const log2 = await redis.xrange(repos.pipeline.keys.trackLog(seed.cameraId), '-', '+');
      expect(log2).toHaveLength(2);

      const seeded = await repos.audit.list({ limit: 10, action: 'seed' });
      expect(seeded).toHaveLength(2);
      expect((await repos.audit.verify()).ok).toBe(true);
      const audited = await repos.audit.list({ limit: 10, action: 'retention.purge' });
      expect(audited).toHaveLength(1);
      expect(JSON.parse(audited[0]!.detail!)).toMatchObject({ reason: 'schedule', counts: run.counts, error: null });
    },
    60_000,
  );

  it.skipIf(skipReason)('a second run finds nothing left to delete and loses nothing', async () => {
    const log = createLogger({ log: { level: 'silent', format: 'json' } });
    const service = new RetentionService({ cfg: api.cfg, repos, audit: new AuditService(repos.audit), log });
    const again = await service.purge('manual');
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
    const alerts = await open.db.selectFrom('alerts').select('id').execute();
    expect(alerts).toHaveLength(seed.keptAlerts.length);
  });
});
