import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../test/redis.js';

const bin = new URL('../../bin/watchpost.js', import.meta.url).pathname;

/**
 * The README's demo, as a user runs it: the enrolled person of the fixture walks
 * in, the signed webhook reaches the officer's phone, the alert's evidence is on
 * disk; Ctrl-C (SIGINT) then stops everything with exit code 0.
 */
describe('watchpost demo', () => {
  it('raises a match alert with evidence and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wp-demo-'));
    const child = spawn(process.execPath, [bin, 'demo', '--port', '0', '--duration', '240'], {
      env: {
        ...process.env,
        REDIS_URL: testRedisUrl(),
        WATCHPOST_REDIS_PREFIX: `wptest-demo-${process.pid}`,
        WATCHPOST_DATA_DIR: dataDir,
        // Converted models are shared with the other tests (converted once per checkout).
        WATCHPOST__MODELS__CACHE_DIR: JSON.stringify(resolve('data/models')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

    const deadline = Date.now() + 200_000;
    while (!/officer's phone: webhook .*match subject-a \(signature valid\)/.test(out) || !/evidence: \S+face_crop\.jpg/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    child.kill('SIGINT');
    const code = await exited;

    expect(out).toMatch(/camera Front door: streaming/);
    expect(out).toMatch(/ALERT match: subject-a at camera front-door, distance 0\.\d+/);
    expect(out).toMatch(/officer's phone: webhook .*match subject-a \(signature valid\)/);
    const evidence = [...out.matchAll(/evidence: (\S+\.jpg)/g)].map((m) => m[1]!);
    expect(evidence.length).toBeGreaterThanOrEqual(2);
    for (const file of evidence) expect(existsSync(file), file).toBe(true);
    expect(code).toBe(0);
  }, 300_000);
});
