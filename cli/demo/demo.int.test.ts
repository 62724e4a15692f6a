import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { testRedisUrl } from '../../test/redis.js';

const bin = new URL('../../bin/watchpost.js', import.meta.url).pathname;

/** What the dashboard's Replays screen does with an uploaded video, against the running demo; the finished record. */
async function uploadReplay(out: string) {
  const [, url, key] = /dashboard: (\S+)\/ {2}\(API key for this demo: (\S+)\)/.exec(out) ?? [];
  if (!url || !key) throw new Error(`the demo printed no dashboard address and key:\n${out}`);
  const headers = { authorization: `Bearer ${key}` };
  const created = await fetch(`${url}/v1/replays`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'video/mp4', 'x-file-name': 'walk-in.mp4' },
    body: readFileSync(fixture('enrolled-walk-in').video),
  });
  const { id } = (await created.json()) as { id: string };
  for (const until = Date.now() + 200_000; ; ) {
    const replay = await (await fetch(`${url}/v1/replays/${id}`, { headers })).json();
    if (replay.status === 'done' || replay.status === 'failed' || Date.now() > until) return replay;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The README's demo, as a user runs it: the enrolled person of the fixture walks
 * in, the signed webhook reaches the officer's phone, the alert's evidence is on
 * disk; Ctrl-C (SIGINT) then stops everything with exit code 0.
 */
describe('watchpost demo', () => {
  it('raises a match alert with evidence, replays an uploaded video, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wp-demo-'));
    const child = spawn(process.execPath, [bin, 'demo', '--port', '0', '--duration', '680'], {
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
    // The camera's state is polled once a second: on a fast machine the alert can come first.
    const shown = [
      /officer's phone: webhook .*match subject-a \(signature valid\)/,
      /evidence: \S+face_crop\.jpg/,
      /camera Front door: streaming/,
    ];
    while (!shown.every((re) => re.test(out))) {
      if (Date.now() > deadline || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const replay = await uploadReplay(out);
    // The event clip follows: postSeconds of video after the sighting, then its redacted copy.
    for (const until = Date.now() + 240_000; !/clip: \S+clip_redacted\.mp4/.test(out); ) {
      if (Date.now() > until || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    child.kill('SIGINT');
    const code = await exited;
    // The dashboard's upload, run by the demo's replay worker: the enrolled person is found in the footage.
    expect(replay.status, replay.error).toBe('done');
    expect(replay.watchlist).toBe('every enrolled perpetrator');
    expect(replay.result.alerts.map((a: { identity: { name: string } }) => a.identity.name)).toEqual(['subject-a']);

    expect(out).toMatch(/camera Front door: streaming/);
    expect(out).toMatch(/ALERT match: subject-a at camera front-door, distance 0\.\d+/);
    // Review before dispatch: the officer's webhook comes after the operator's confirmation.
    expect(out).toMatch(
      /operator: confirmed the match after 3 s[^\n]*\n(.*\n)*.*officer's phone: webhook alert\.confirmed match subject-a/,
    );
    expect(out).toMatch(/officer's phone: webhook .*match subject-a \(signature valid\)/);
    const evidence = [...out.matchAll(/evidence: (\S+\.jpg)/g)].map((m) => m[1]!);
    expect(evidence.length).toBeGreaterThanOrEqual(2);
    for (const file of evidence) expect(existsSync(file), file).toBe(true);
    // The match's clip, cut from the camera's buffer by the demo's evidence worker, is on disk too.
    const clips = [...out.matchAll(/clip: (\S+\.mp4)/g)].map((m) => m[1]!);
    expect(
      clips.some((f) => f.endsWith('clip_redacted.mp4')),
      out,
    ).toBe(true);
    for (const file of clips) expect(existsSync(file), file).toBe(true);
    expect(code).toBe(0);
  }, 720_000);

  it('runs again on the same data folder, and a terminal Ctrl-C (SIGINT to the whole process group) stops it and its private Redis', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wp-demo-again-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WATCHPOST_DATA_DIR: dataDir,
      WATCHPOST__MODELS__CACHE_DIR: JSON.stringify(resolve('data/models')),
    };
    delete env.REDIS_URL;
    for (let run = 1; run <= 2; run++) {
      // detached: its own process group, as a shell gives a foreground job.
      const child = spawn(process.execPath, [bin, 'demo', '--port', '0'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const deadline = Date.now() + 120_000;
      while (!/camera Front door: (connecting|streaming)/.test(out) && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 200));
      const port = Number(/private redis-server on port (\d+)/.exec(out)?.[1]);
      expect(out, `run ${run}`).toMatch(/case DEMO-0001 open/);
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 40_000))]);
      if (code === 'still running') process.kill(-child.pid!, 'SIGKILL');
      expect(code, out).toBe(0);
      // Its Redis is gone with it.
      const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let pong = '';
      probe.stdout.on('data', (d: Buffer) => (pong += d.toString()));
      await new Promise((r) => probe.once('exit', r));
      expect(pong).not.toContain('PONG');
    }
  }, 300_000);
});
