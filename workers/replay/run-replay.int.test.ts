import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { configSchema } from '../../pipeline/config/index.js';
import { createLogger } from '../../runtime/logger.js';
import { testPrefix, testRedisUrl } from '../../test/redis.js';
import {
  loadReplayModels,
  runReplay,
  type ReplayModels,
  type ReplayProgress,
  type ReplayResult,
} from './run-replay.js';
import { UnsupportedVideoError } from '../../runtime/ffmpeg/probe-video.js';

/**
 * The replay through the real pipeline (ffmpeg ingest, BullMQ on real Redis, the real
 * ONNX models) on the committed fixtures. Sampled at 2.5 fps to spare the shared CPU:
 * the logic (tracking, k-of-n votes) is the same as at 5 fps.
 */
describe('runReplay on the footage fixtures', () => {
  const { prefix, cleanup } = testPrefix('replay');
  const cfg = configSchema.parse({ redisPrefix: prefix, ingest: { fps: 2.5 }, log: { level: 'warn', format: 'json' } });
  const log = createLogger({ log: { level: 'warn', format: 'json' } });
  let models: ReplayModels;
  const progress: ReplayProgress[] = [];
  const run = (name: Parameters<typeof fixture>[0], replayId: string, video = fixture(name).video) =>
    runReplay({
      cfg,
      log,
      video,
      galleryDir: fixture(name).gallery,
      redisUrl: testRedisUrl(),
      replayId,
      startTs: 1_800_000_000_000,
      models,
      onProgress: (p) => progress.push(p),
    });

  beforeAll(async () => {
    models = await loadReplayModels(cfg, log);
  });
  afterAll(cleanup);

  let first: ReplayResult;

  // A replay takes tens of seconds on a busy 2-core machine.
  const SLOW = 300_000;

  it(
    'enrolled-walk-in: one alert with the right identity, during the appearance, on one track',
    async () => {
      first = await run('enrolled-walk-in', 'walk-in');
      const truth = fixture('enrolled-walk-in').truth();
      const appearance = truth.appearances[0]!;
      expect(first.frames).toBe(50);
      expect(first.alerts).toHaveLength(1);
      const alert = first.alerts[0]!;
      expect(alert.identity.name).toBe(appearance.identity);
      expect(alert.t).toBeGreaterThanOrEqual(appearance.start);
      expect(alert.t).toBeLessThanOrEqual(appearance.end);
      expect(alert.distance).toBeLessThan(models.faceChain.matchThreshold);
      const identified = first.tracks.filter((t) => t.identity);
      expect(identified).toHaveLength(1);
      expect(identified[0]!.id).toBe(alert.track);
      expect(identified[0]!.best?.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
      // The track covers most of the appearance.
      expect(identified[0]!.start).toBeLessThan(appearance.start + 1.5);
      expect(identified[0]!.end).toBeGreaterThan(appearance.end - 1.5);
      expect(first.gating.frames).toBe(50);
      expect(first.gating.skipped).toBeGreaterThan(0);
      expect(first.stats.failedJobs).toBe(0);
      expect(first.stoppedEarly).toBeUndefined();
      // Progress counts every frame against the total the declared duration holds.
      expect(progress.map((p) => p.frames)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(progress.every((p) => p.total === 50)).toBe(true);
    },
    SLOW,
  );

  it(
    'is deterministic: the same footage and settings give the same timeline',
    async () => {
      const again = await run('enrolled-walk-in', 'walk-in');
      const { stats: _a, ...timelineA } = first;
      const { stats: _b, ...timelineB } = again;
      expect(timelineB).toEqual(timelineA);
    },
    SLOW,
  );

  // Night faces are held to the low-light rule (contrast from 5, threshold x 0.9), measured by bench:face-night on
  // real photos lit like this fixture: the day rule gave a false match there. This fixture's subject-a (0.38-0.49)
  // stays unidentified under it: a missed face at night, never a wrong name.
  it('night: no wrong identity in the dark, noisy picture; the nearest identity is the enrolled person', async () => {
    const timeline = await run('night', 'night');
    const appearance = fixture('night').truth().appearances[0]!;
    expect(timeline.alerts.every((a) => a.identity.name === appearance.identity)).toBe(true);
    expect(timeline.tracks.length).toBeGreaterThanOrEqual(1);
    expect(timeline.tracks.some((t) => t.votes.some((v) => v.name === appearance.identity))).toBe(true);
    expect(timeline.tracks.every((t) => t.votes.every((v) => v.name === appearance.identity))).toBe(true);
  });

  it(
    'strangers-only: tracks, but no alert and no identity',
    async () => {
      const r = await run('strangers-only', 'strangers');
      expect(r.tracks.length).toBeGreaterThanOrEqual(1);
      expect(r.tracks.every((t) => t.identity === null)).toBe(true);
      expect(r.alerts).toEqual([]);
      // Faces were compared (so "no alert" is a decision, not a skipped step).
      expect(r.tracks.some((t) => t.votes.some((v) => v.distance !== null))).toBe(true);
    },
    SLOW,
  );

  it(
    'empty: no track, most frames skipped by motion gating',
    async () => {
      const r = await run('empty', 'empty');
      expect(r.tracks).toEqual([]);
      expect(r.alerts).toEqual([]);
      expect(r.gating.skippedShare).toBeGreaterThan(0.5);
    },
    SLOW,
  );

  it(
    'a truncated copy: processes what decodes, says where it stopped',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wp-replay-trunc-'));
      const video = join(dir, 'truncated.mp4');
      const whole = readFileSync(fixture('enrolled-walk-in').video);
      writeFileSync(video, whole.subarray(0, Math.floor(whole.length / 2)));
      const r = await run('enrolled-walk-in', 'truncated', video);
      expect(r.frames).toBeGreaterThan(5);
      expect(r.frames).toBeLessThan(50);
      expect(r.stoppedEarly?.atSec).toBe(r.durationSec);
      expect(r.stoppedEarly?.reason).toMatch(
        new RegExp(`stopped at ${r.durationSec.toFixed(1)} s of its declared 20\\.0 s`),
      );
      // The frames before the cut went through the whole pipeline.
      expect(r.gating.frames).toBe(r.frames);
      expect(r.stats.failedJobs).toBe(0);
    },
    SLOW,
  );

  it('refuses a file that is not footage before starting anything', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wp-replay-bad-')), 'clip.mp4');
    writeFileSync(file, 'plain text');
    await expect(run('empty', 'bad', file)).rejects.toThrow(UnsupportedVideoError);
  });
});
