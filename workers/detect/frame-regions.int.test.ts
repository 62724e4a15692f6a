import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { decodeImage, PersonDetector } from '../../models/index.js';
import { closeAllSessions } from '../../models/session.js';
import { matchImage } from '../../pipeline/evaluation/detection-metrics.js';
import type { Box } from '../../pipeline/geometry.js';
import { motionMask } from '../../pipeline/motion-gate.js';
import type { RegionMode } from '../../pipeline/regions.js';
import { newTrackerState, TRACKER_DEFAULTS, updateTracker } from '../../pipeline/tracker.js';
import { loadConfig } from '../../runtime/config.js';
import { requireFfmpeg } from '../../runtime/system-tools.js';
import { detectWith } from './index.js';
import { lookAtFrame } from './frame-regions.js';
import { motionThumbnail } from './thumbnail.js';

// doorstep-720p's first 14 s at 2.5 fps: nobody (0-1.4 s), subject-a walks in and waits, a stranger joins him.
const FPS = 2.5;
const SECONDS = 14;
const cfg = loadConfig({
  overrides: { 'models.cacheDir': join(tmpdir(), 'watchpost-test-model-cache'), 'models.threads': 1 },
});
const footage = fixture('doorstep-720p');

interface ModeRun {
  runs: number[];
  found: number;
  required: number;
  /** Detections at the operating score that match no person: a person counted twice, or nobody. */
  extra: number;
}

describe('detect regions on the doorstep-720p fixture (CenterNet, real frames)', () => {
  let dir: string;
  let detector: PersonDetector;
  const truthAt = new Map<number, Array<{ box: Box; ignore: boolean }>>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wp-regions-'));
    execFileSync(requireFfmpeg(), [
      '-v',
      'error',
      '-t',
      String(SECONDS),
      '-i',
      footage.video,
      '-vf',
      `fps=${FPS}`,
      join(dir, '%04d.jpg'),
    ]);
    for (const a of footage.truth().appearances) {
      for (const f of a.frames) {
        const i = Math.round(f.t * FPS);
        if (Math.abs(f.t * FPS - i) > 1e-6) continue;
        // Only people wholly in view are required; one entering at the edge may be found or not.
        const ignore = f.personBox[0] <= 0 || f.personBox[2] >= 1280;
        truthAt.set(i, [...(truthAt.get(i) ?? []), { box: f.personBox, ignore }]);
      }
    }
    detector = await PersonDetector.create(cfg);
  }, 300_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await closeAllSessions();
  });

  async function run(mode: RegionMode): Promise<ModeRun> {
    const { detectPersons } = detectWith(detector, cfg);
    const mask = motionMask([]);
    let tracker = newTrackerState();
    let reference: Uint8Array | null = null;
    let lastDetectionTs: number | null = null;
    const out: ModeRun = { runs: [], found: 0, required: 0, extra: 0 };
    for (const [i, f] of readdirSync(dir).sort().entries()) {
      const img = await decodeImage(join(dir, f));
      const ts = (i * 1000) / FPS;
      const thumb = motionThumbnail(img);
      const look = lookAtFrame({
        cfg,
        setting: mode,
        frame: img,
        model: detector.input,
        ts,
        thumb,
        reference,
        mask,
        tracker,
        lastDetectionTs,
      });
      out.runs.push(look.regions.length);
      if (!look.gate.detect) continue;
      const dets = await detectPersons(img, { regions: look.regions, tracks: look.tracks });
      tracker = updateTracker(tracker, dets, { ts, seq: i }, { ...TRACKER_DEFAULTS, lowScore: 0.1 }).state;
      [reference, lastDetectionTs] = [thumb, ts];
      const truth = truthAt.get(i) ?? [];
      const confident = dets.filter((d) => d.score >= cfg.detect.personScore);
      const matched = matchImage(truth, confident);
      out.required += truth.filter((t) => !t.ignore).length;
      out.found += matched.filter((m) => m.truth >= 0 && !truth[m.truth]!.ignore).length;
      out.extra += matched.filter((m) => m.truth < 0).length;
    }
    return out;
  }

  it('whole, tiles and motion each find the people in view, and count each once', async () => {
    const results: Record<string, ModeRun> = {};
    for (const mode of ['whole', 'tiles', 'motion'] as const) results[mode] = await run(mode);
    for (const [mode, r] of Object.entries(results)) {
      expect(r.required, mode).toBeGreaterThan(20);
      expect(r.found / r.required, mode).toBeGreaterThanOrEqual(0.9);
      expect(r.extra, mode).toBeLessThanOrEqual(2);
    }
    // Tiles: the whole frame plus nine 512x288 tiles of a 720p frame, on every frame looked at.
    expect(Math.max(...results.tiles!.runs)).toBe(10);
    // Motion: the empty doorway costs one look at the first frame, then nothing until someone moves.
    const still = Math.round(1.2 * FPS);
    expect(results.motion!.runs.slice(0, still)).toEqual([1, ...Array(still - 1).fill(0)]);
    // People walking in cost one or two crops, never more.
    expect(Math.max(...results.motion!.runs)).toBeLessThanOrEqual(2);
  }, 600_000);
});
