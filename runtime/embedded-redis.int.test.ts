import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startEmbeddedRedis, waitForRedis } from './embedded-redis.js';

/** True once PING at `url` fails, polling until `ms` have passed. */
async function goneWithin(url: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await waitForRedis(url, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('embedded redis-server', () => {
  it('starts, answers, and stops', async () => {
    const redis = await startEmbeddedRedis();
    const client = new Redis(redis.url);
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    client.disconnect();
    await redis.stop();
    expect(await goneWithin(redis.url, 1000)).toBe(true);
  });

  it('dies with its parent, even on SIGKILL', async () => {
    const script = `
      import { startEmbeddedRedis } from './runtime/embedded-redis.ts';
      const r = await startEmbeddedRedis();
      console.log(r.url);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    await waitForRedis(url, 2000);
    parent.kill('SIGKILL');
    expect(await goneWithin(url, 5000)).toBe(true);
  });
});
