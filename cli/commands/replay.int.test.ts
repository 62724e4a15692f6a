import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, galleryDir } from '../../fixtures/index.js';

const bin = new URL('../../bin/watchpost.js', import.meta.url).pathname;
// 2.5 fps spares the shared CPU; an embedded redis-server per run (no REDIS_URL).
const { REDIS_URL: _shared, ...inherited } = process.env;
const env = { ...inherited, WATCHPOST__INGEST__FPS: '2.5', LOG_LEVEL: 'warn' };
/** Runs the CLI without blocking the test worker (a blocked worker misses vitest's heartbeats). */
const replay = (args: string[], extraEnv: Record<string, string> = {}) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, 'replay', ...args],
      { env: { ...env, ...extraEnv }, timeout: 300_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });

describe('watchpost replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-replay-cli-'));

  it('refuses what is not footage with the reason, exit 2, before loading anything', async () => {
    const text = join(dir, 'notes.mp4');
    writeFileSync(text, 'minutes of the meeting\n');
    const t = await replay([text]);
    expect(t.status).toBe(2);
    expect(t.stderr).toContain('not a video ffmpeg can read');
    const photo = await replay([join(galleryDir, 'subject-a', 'group-photo.jpg')]);
    expect(photo.status).toBe(2);
    expect(photo.stderr).toContain('a still image');
  });

  it('refuses contradictory or incomplete options, exit 2', async () => {
    const video = fixture('empty').video;
    expect((await replay([video, '--sweep'])).stderr).toContain('--sweep needs --truth');
    expect((await replay([video, '--case', 'c1', '--gallery', galleryDir])).status).toBe(2);
    expect((await replay([video, '--speed', 'warp'])).status).toBe(2);
    const badTruth = join(dir, 'bad.truth.json');
    writeFileSync(badTruth, '{"format": "something else"}');
    const r = await replay([video, '--truth', badTruth]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('format');
  });

  it("scores a fixture against its truth and writes JSON, CSV, a self-contained HTML report and the alerts' clips", async () => {
    const f = fixture('enrolled-walk-in');
    const out = {
      json: join(dir, 'r.json'),
      csv: join(dir, 'r.csv'),
      html: join(dir, 'r.html'),
      clips: join(dir, 'clips'),
    };
    // Short pre/post seconds, so the clip is a part of the 20 s fixture rather than all of it.
    const clipEnv = { WATCHPOST__EVIDENCE__PRE_SECONDS: '2', WATCHPOST__EVIDENCE__POST_SECONDS: '1' };
    const r = await replay(
      [
        f.video,
        '--gallery',
        f.gallery,
        '--truth',
        f.truthFile,
        '--sweep',
        '--json',
        out.json,
        '--csv',
        out.csv,
        '--html',
        out.html,
        '--clips',
        out.clips,
      ],
      clipEnv,
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/subject-a: recall 100% \(1\/1 appearances\), precision 100% \(1 alerts, 0 false/);
    expect(r.stdout).toMatch(/false alerts: 0 \(0\.0 per hour of footage\)/);
    expect(r.stdout).toMatch(/^0\.41 \*/m);
    // Not a terminal: progress comes as plain lines on stderr, ending at the last frame.
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^enrolled-walk-in\.mp4: 50\/50 frames, [\d.]+ fps, ETA 0 s$/);
    const json = JSON.parse(readFileSync(out.json, 'utf8'));
    expect(json.alerts).toHaveLength(1);
    expect(json.evaluation.identities[0]).toMatchObject({ identity: 'subject-a', appearanceRecall: 1, falseAlerts: 0 });
    expect(json.sweep.length).toBeGreaterThan(10);
    expect(readFileSync(out.csv, 'utf8').split('\r\n')[1]).toMatch(/^enrolled-walk-in,subject-a,true,1,1,1,1,1,0,0,1,/);
    const html = readFileSync(out.html, 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).toMatch(/data:image\/jpeg;base64,/);
    expect(html).not.toMatch(/(src|href)="https?:/);

    // The alert's clip: 2 s before the track began to 1 s after it ended, copied (H.264) from the footage.
    const track = json.tracks.find((t: { id: number }) => t.id === json.alerts[0].track);
    const from = Math.max(0, track.start - 2);
    const to = Math.min(json.durationSec, track.end + 1);
    const line = /clip of subject-a \(([\d.]+)-([\d.]+) s\) written to (\S+\.mp4)/.exec(r.stdout);
    expect(line, r.stdout).not.toBeNull();
    expect(Number(line![1])).toBeCloseTo(from, 1);
    expect(Number(line![2])).toBeCloseTo(to, 1);
    expect(readdirSync(out.clips)).toEqual([basename(line![3]!)]);
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', line![3]!], {
        encoding: 'utf8',
      }),
    );
    expect(probe.streams[0].codec_name).toBe('h264');
    // Copied from the keyframe at or before `from`: at least the span asked for, at most a GOP (5 s) more.
    const seconds = Number(probe.format.duration);
    expect(seconds).toBeGreaterThanOrEqual(to - from - 0.2);
    expect(seconds).toBeLessThanOrEqual(to - from + 5.2);
    expect(to - from).toBeLessThan(json.durationSec - 2); // a part of the footage, not all of it
  }, 300_000);
});
