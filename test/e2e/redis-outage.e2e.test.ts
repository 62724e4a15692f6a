import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../../runtime/embedded-redis.js';
import { until } from '../until.js';
import { counterValue, WorkerProcess } from './worker-process.js';

const LOST = 'redis connection lost: retrying';
const RESTORED = 'redis connection restored';

/**
 * Every role as its own process, logging JSON, through a Redis outage of a few seconds:
 * each logs the loss once and the return once (no stack dump per retry, no line that is
 * not JSON), and ingest sums up the frames it could not store meanwhile.
 */
describe('a Redis outage, as each process logs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-outage-'));
  const workers: WorkerProcess[] = [];
  let redis: EmbeddedRedis;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startEmbeddedRedis({ port });
    const configFile = join(dir, 'watchpost.yaml');
    writeFileSync(
      configFile,
      stringify({
        cameras: [{ id: 'porch', url: fixture('enrolled-walk-in').video, fps: 5 }],
        detect: { partitions: 1 },
        ingest: { allowFileSources: true },
      }),
    );
    const env = { REDIS_URL: redis.url, WATCHPOST_CONFIG: configFile, WATCHPOST_DATA_DIR: dir };
    for (const role of ['ingest', 'detect', 'identify', 'alerts'] as const) workers.push(new WorkerProcess(role, env));
    await Promise.all(workers.map((w) => w.ready()));
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs one line when Redis is lost and one when it is back, all JSON, with the frames dropped meanwhile', async () => {
    const [ingest] = workers as [WorkerProcess];
    await until(
      'frames flowing',
      async () => counterValue(await ingest.metrics(), 'watchpost_frames_captured_total') > 5,
    );
    await redis.stop();
    await new Promise((r) => setTimeout(r, 4000));
    redis = await startEmbeddedRedis({ port });
    await until(
      'every process reconnected',
      () => workers.every((w) => w.logs.some((l) => l.msg === RESTORED)),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    for (const w of workers) {
      const lines = (msg: string) => w.logs.filter((l) => l.msg === msg);
      expect(w.notJson, `${w.role}: lines that are not JSON`).toEqual([]);
      expect(lines(LOST), `${w.role}: 'lost' lines`).toHaveLength(1);
      expect(lines(RESTORED), `${w.role}: 'restored' lines`).toHaveLength(1);
      expect(lines(LOST)[0]?.redis).toBe(`127.0.0.1:${port}`);
      expect(lines(RESTORED)[0]?.downMs).toBeGreaterThan(3000);
      // Errors besides the one 'lost' line: a handful at most, never one per retry.
      const errors = w.logs.filter((l) => (l.level ?? 0) >= 50 && l.msg !== LOST);
      expect(errors.length, `${w.role}: ${JSON.stringify(errors.slice(0, 3))}`).toBeLessThanOrEqual(2);
      expect(JSON.stringify(w.logs)).not.toContain('    at ');
    }
    const summary = ingest.logs.find((l) => l.msg === 'frames dropped while Redis was unreachable');
    expect(summary?.framesDropped).toBeGreaterThan(5);
    expect(counterValue(await ingest.metrics(), 'watchpost_frames_dropped_total', { reason: 'redis_down' })).toBe(
      summary?.framesDropped,
    );
    expect(counterValue(await ingest.metrics(), 'watchpost_redis_outages_total')).toBe(1);
  }, 120_000);
});
