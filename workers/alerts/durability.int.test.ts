import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../pipeline/config/index.js';
import { JOB, QUEUE } from '../../pipeline/queues.js';
import { globalKeys } from '../../pipeline/redis-keys.js';
import { loadConfig } from '../../runtime/config.js';
import { createLogger } from '../../runtime/logger.js';
import { openQueue } from '../../runtime/queues.js';
import { Shutdown } from '../../runtime/shutdown.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import { startAlertsWorker } from './index.js';
import { openDatabase } from '../../storage/database/database.js';
import { matchEvent } from '../../test/factories/api.factory.js';

let cfg: Config;
let dir: string;
let cleanup: () => Promise<void>;
let redis: Redis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wp-durable-'));
  const p = testPrefix('durable');
  cleanup = p.cleanup;
  cfg = loadConfig({
    env: {},
    overrides: { dataDir: dir, redisPrefix: p.prefix, 'log.level': 'silent', 'log.format': 'json' },
  });
  redis = new Redis(testRedisUrl());
  await watchedEverywhere(['p-commit', ...Array.from({ length: 30 }, (_, i) => `p-${i}`)]);
});

/** The events' perpetrators, watched on every camera: the consumer's membership check lets their matches through. */
async function watchedEverywhere(ids: string[]): Promise<void> {
  const { db, close } = await openDatabase(cfg);
  const now = Date.now();
  await db
    .insertInto('perpetrators')
    .values(ids.map((id) => ({ id, name: id, notes: null, watchEverywhere: 1, createdAt: now, updatedAt: now })))
    .execute();
  await close();
}
afterAll(async () => {
  redis.disconnect();
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = () => {
  const log = createLogger(cfg, 'durable');
  return { cfg, log, redisUrl: testRedisUrl(), shutdown: new Shutdown(log) };
};

async function countAlerts(): Promise<{ alerts: number; sources: number }> {
  const { db, close } = await openDatabase(cfg);
  try {
    const alerts = await db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const sources = await db
      .selectFrom('alertSources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { alerts: Number(alerts.n), sources: Number(sources.n) };
  } finally {
    await close();
  }
}

describe('alerts worker durability', () => {
  it('commits each alert before its job completes', async () => {
    const queue = openQueue(QUEUE.alerts, { cfg, connection: redis });
    const events = new QueueEvents(QUEUE.alerts, {
      connection: { url: testRedisUrl() } as never,
      prefix: globalKeys(cfg.redisPrefix).bull(QUEUE.alerts),
    });
    await events.waitUntilReady();
    const worker = await startAlertsWorker(ctx());
    const ev = matchEvent({ cameraId: 'cam-commit', perpetratorId: 'p-commit' });
    // Read the database from another connection at the moment BullMQ reports completion.
    const seenAtCompletion = new Promise<number>((resolve) => {
      events.on('completed', async () => {
        const { db, close } = await openDatabase(cfg);
        const row = await db
          .selectFrom('alertSources')
          .select('alertId')
          .where('eventId', '=', ev.eventId)
          .executeTakeFirst();
        await close();
        resolve(row ? 1 : 0);
      });
    });
    await queue.add(JOB.match, ev);
    expect(await seenAtCompletion).toBe(1);
    await worker.close();
    await events.close();
    await queue.close();
  });

  it('loses none and duplicates none across a restart with jobs waiting, and on replays of the same events', async () => {
    const before = await countAlerts();
    const queue = openQueue(QUEUE.alerts, { cfg, connection: redis });
    // Distinct perpetrator/camera pairs, so dedup does not merge them: 30 events -> 30 alerts.
    const evs = Array.from({ length: 30 }, (_, i) => matchEvent({ cameraId: `cam-${i % 5}`, perpetratorId: `p-${i}` }));
    for (const ev of evs) await queue.add(JOB.match, ev);
    const first = await startAlertsWorker(ctx());
    // Stop it part-way through: close() lets the job in hand finish, the rest stay waiting.
    const deadline = Date.now() + 20_000;
    while ((await countAlerts()).alerts - before.alerts < 5 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await first.close();
    const mid = (await countAlerts()).alerts - before.alerts;
    expect(mid).toBeGreaterThanOrEqual(5);
    expect(mid).toBeLessThan(30);
    expect(await queue.queue.getWaitingCount()).toBeGreaterThan(0);

    const second = await startAlertsWorker(ctx());
    for (const ev of evs) await queue.add(JOB.match, ev); // the same events again (a retrying producer)
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const counts = await queue.queue.getJobCounts('waiting', 'active', 'delayed');
      if (Object.values(counts).every((n) => n === 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await second.close();
    const after = await countAlerts();
    expect(after.alerts - before.alerts).toBe(30);
    expect(after.sources - before.sources).toBe(30);
    expect(await queue.queue.getFailedCount()).toBe(0);
    await queue.close();
  });
});
