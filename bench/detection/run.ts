import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, type PersonDetector } from '../../models/index.js';
import { appearanceOf } from '../../pipeline/appearance.js';
import type { Config } from '../../pipeline/config/index.js';
import type { ScoredBox, TruthPerson } from '../../pipeline/evaluation/detection-metrics.js';
import type { Box } from '../../pipeline/geometry.js';
import { MOTION_THUMB, motionMask } from '../../pipeline/motion-gate.js';
import { planRegions, type RegionMode } from '../../pipeline/regions.js';
import { newTrackerState, TRACKER_DEFAULTS, updateTracker } from '../../pipeline/tracker.js';
import { requireFfmpeg } from '../../runtime/system-tools.js';
import { lookAtFrame } from '../../workers/detect/frame-regions.js';
import { motionThumbnail } from '../../workers/detect/thumbnail.js';
import type { LabelledImage, TruthSet } from './truth.js';

export interface ScoredFrame {
  truth: Array<TruthPerson & { id?: string }>;
  dets: ScoredBox[];
  /** Confirmed tracks in this frame (sequences only). */
  tracks: Array<{ id: string; box: Box }>;
  timeSec: number;
}

export interface SetRun {
  frames: ScoredFrame[];
  /** Frames processed (every frame of a sequence, labelled or not) and detector runs over them. */
  processed: number;
  runs: number;
  /** Wall time in the detector (ms). */
  detectMs: number;
}

/** Detections down to the tracker's low score: AP needs the low ones too. */
const LOW_SCORE = 0.1;

async function timed<T>(acc: { ms: number }, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    acc.ms += performance.now() - t0;
  }
}

/** A photo: motion mode looks at it whole (a camera's first frame), tiles tile it. */
async function runStill(set: TruthSet, mode: RegionMode, det: PersonDetector, cfg: Config): Promise<SetRun> {
  const img = await decodeImage(set.path);
  const regions = planRegions({
    mode,
    frame: img,
    model: det.input,
    tileScale: cfg.detect.tileScale,
    changed: null,
    grid: MOTION_THUMB,
    tracks: [],
  });
  const acc = { ms: 0 };
  const dets = await timed(acc, () => det.detectRegions(img, regions, { minScore: LOW_SCORE }));
  const image = set.images[0] as LabelledImage;
  return {
    frames: [{ truth: image.truth, dets, tracks: [], timeSec: 0 }],
    processed: 1,
    runs: regions.length,
    detectMs: acc.ms,
  };
}

/** Every frame of a video at its sequence rate, through the detect stage's gate, regions and tracker. */
async function runSequence(
  set: TruthSet,
  mode: RegionMode,
  det: PersonDetector,
  cfg: Config,
  framesDir: string,
): Promise<SetRun> {
  const fps = set.sequenceFps ?? 5;
  const files = readdirSync(framesDir)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const wanted = new Map(set.images.map((im) => [Math.round((im.timeSec ?? 0) * fps), im]));
  const mask = motionMask(cfg.detect.motionMasks);
  const trackerOpts = {
    ...TRACKER_DEFAULTS,
    highScore: cfg.detect.personScore,
    lowScore: Math.min(0.1, cfg.detect.personScore),
  };
  let tracker = newTrackerState();
  let reference: Uint8Array | null = null;
  let lastDetectionTs: number | null = null;
  const out: SetRun = { frames: [], processed: 0, runs: 0, detectMs: 0 };
  const acc = { ms: 0 };
  for (const [i, f] of files.entries()) {
    const img = await decodeImage(join(framesDir, f));
    const ts = (i * 1000) / fps;
    const thumb = motionThumbnail(img);
    const look = lookAtFrame({
      cfg: { ...cfg, detect: { ...cfg.detect, regions: mode } },
      frame: img,
      model: det.input,
      ts,
      thumb,
      reference,
      mask,
      tracker,
      lastDetectionTs,
    });
    out.processed++;
    let dets: ScoredBox[] = [];
    let tracks: Array<{ id: string; box: Box }> = [];
    if (look.gate.detect) {
      dets = await timed(acc, () => det.detectRegions(img, look.regions, { minScore: LOW_SCORE, tracks: look.tracks }));
      out.runs += look.regions.length;
      const step = updateTracker(
        tracker,
        dets.map((d) => ({ ...d, appearance: appearanceOf(img, d.box) })),
        { ts, seq: i },
        trackerOpts,
      );
      tracker = step.state;
      tracks = step.active.map((t) => ({ id: t.id, box: t.box }));
      reference = thumb;
      lastDetectionTs = ts;
    }
    const labelled = wanted.get(i);
    if (labelled) out.frames.push({ truth: labelled.truth, dets, tracks, timeSec: i / fps });
  }
  out.detectMs = acc.ms;
  return out;
}

/** Decodes a video's frames at `fps` into a temporary folder (removed by the caller). */
export function extractFrames(path: string, fps: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'wp-bench-detection-'));
  const r = spawnSync(requireFfmpeg(), [
    '-v',
    'error',
    '-i',
    path,
    '-vf',
    `fps=${fps}`,
    '-q:v',
    '2',
    join(dir, '%05d.jpg'),
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${r.stderr.toString().trim()}`);
  return dir;
}

export async function runSet(
  set: TruthSet,
  mode: RegionMode,
  det: PersonDetector,
  cfg: Config,
  framesDir: string | null,
): Promise<SetRun> {
  return framesDir ? runSequence(set, mode, det, cfg, framesDir) : runStill(set, mode, det, cfg);
}

export const removeFrames = (dir: string) => rmSync(dir, { recursive: true, force: true });
