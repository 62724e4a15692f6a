import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/embedded-redis.js';
import { projectDir } from './worker-process.js';
import { until } from '../until.js';
import { WorkerProcess } from './worker-process.js';

const ROLES = ['api', 'ingest', 'detect', 'identify', 'alerts', 'replay'] as const;

/**
 * Every process started while Redis is unreachable, under LOG_FORMAT=json: each says
 * so once, in JSON, and every line it writes (ioredis's and BullMQ's included, up to
 * its shutdown) is JSON: no stack dump, no `[ioredis] Unhandled error event`.
 */
describe('started with Redis down, every line is JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-redis-down-'));
  const procs: WorkerProcess[] = [];

  afterAll(async () => {
    await Promise.allSettled(procs.map((p) => p.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  it('each role logs the lost connection once, in JSON, and stops cleanly', async () => {
    const env = {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      WATCHPOST_DATA_DIR: dir,
      // The models converted once for the other e2e suites, not again into a folder of its own.
      WATCHPOST__MODELS__CACHE_DIR: join(projectDir, 'data', 'models'),
    };
    for (const role of ROLES) procs.push(new WorkerProcess(role, env, role === 'api' ? await freePort() : 0));
    const silent = () => procs.filter((p) => !p.logs.some((l) => l.msg === 'redis connection lost: retrying'));
    await until('every process reporting Redis unreachable', () => !silent().length, 150_000, 250).catch(() => {
      const why = silent().map((p) => `${p.role}: ${JSON.stringify(p.logs.slice(-3))} ${p.notJson.slice(-3)}`);
      throw new Error(`silent about Redis:\n${why.join('\n')}`);
    });
    // Let the clients retry a few times: a retry must not print anything of its own.
    await new Promise((r) => setTimeout(r, 3000));
    await Promise.all(procs.map((p) => p.stop('SIGTERM')));
    for (const p of procs) {
      expect(p.notJson, `${p.role}: lines that are not JSON`).toEqual([]);
      expect(p.logs.filter((l) => l.msg === 'redis connection lost: retrying').length, p.role).toBe(1);
      expect(JSON.stringify(p.logs), p.role).not.toContain('    at ');
    }
  }, 180_000);
});
