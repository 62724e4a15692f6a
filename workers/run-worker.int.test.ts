import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalKeys } from '../pipeline/redis-keys.js';
import { freePort } from '../runtime/embedded-redis.js';
import { testPrefix, testRedisUrl } from '../test/redis.js';
import { footageDir, makeClip } from '../test/ingest-test-kit.js';

const bin = join(import.meta.dirname, '..', 'bin', 'watchpost.js');

describe('watchpost worker ingest (a real process)', () => {
  const footage = footageDir();
  const { prefix, cleanup } = testPrefix('run-worker');
  let config: string;
  beforeAll(() => {
    const clip = makeClip(footage.dir, 'cam.mp4', 3);
    config = join(footage.dir, 'watchpost.yaml');
    writeFileSync(config, `cameras:\n  - id: porch\n    url: ${clip}\ningest:\n  fps: 5\n  allowFileSources: true\n`);
  });
  afterAll(async () => {
    await cleanup();
    footage.remove();
  });

  it('serves metrics while running and exits 0 on SIGTERM after stopping its cameras', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [bin, '--config', config, 'worker', 'ingest', '--metrics-port', String(port)],
      {
        env: {
          ...process.env,
          REDIS_URL: testRedisUrl(),
          WATCHPOST_REDIS_PREFIX: prefix,
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const metrics = async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      } catch {
        return '';
      }
    };
    try {
      await expect
        .poll(metrics, { timeout: 30_000, interval: 300 })
        .toMatch(/watchpost_frames_captured_total\{camera="porch"\} [1-9]/);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nworker output:\n${output}`);
    }
    const body = await metrics();
    expect(body).toMatch(/watchpost_camera_state\{camera="porch",state="streaming"\} 1/);
    expect(body).toMatch(/watchpost_queue_jobs\{queue="detect-\d+",state="waiting"\}/);
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const redis = new Redis(testRedisUrl());
    const status = JSON.parse((await redis.get(globalKeys(prefix).cameraStatus('porch')))!);
    redis.disconnect();
    expect(status.state).toBe('stopped');
    expect(output).toContain('worker running');
  }, 60_000);

  it('refuses a bad metrics port with exit code 2', () => {
    const r = spawnSync(process.execPath, [bin, 'worker', 'ingest', '--metrics-port', 'abc'], {
      env: { ...process.env, REDIS_URL: testRedisUrl() },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--metrics-port must be a port number');
  });
});
