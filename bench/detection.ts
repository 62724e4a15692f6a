/**
 * Person-detection accuracy per region mode and detector, on real photos and footage
 * with ground truth: the repository's labels (fixtures/truth/persons) of the real-data
 * folder's footage and photos, and that folder's own COCO sets (detection/*; not every
 * person in them is labelled, so they count towards recall only).
 *
 * For each detector (CenterNet, the default; YOLOX-nano when its ONNX file is in the
 * real-data folder's models/) and mode (whole, tiles, motion): recall and precision at
 * detect.personScore and AP50, by person height (<64, 64-128, >128 px; and >= 48 px,
 * the goal), detector runs and time per frame; on footage, tracker identity switches
 * per 100 track-seconds. Videos run frame by frame through the detect stage's own gate,
 * regions and tracker (workers/detect/frame-regions.ts), at their labelled rate.
 *
 *   npm run bench:detection [-- --json] [-- --modes whole,tiles,motion] [-- --detectors centernet,yolox]
 *   WATCHPOST_REAL_DATA=../shared/data (default: the shared folder beside the repository)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closeAllSessions, PersonDetector } from '../models/index.js';
import type { Config } from '../pipeline/config/index.js';
import {
  identitySwitches,
  matchImage,
  SIZE_BUCKETS,
  scoreDetections,
  type BucketScore,
} from '../pipeline/evaluation/detection-metrics.js';
import { regionModeSchema, type RegionMode } from '../pipeline/regions.js';
import { loadConfig } from '../runtime/config.js';
import { extractFrames, removeFrames, runSet, type ScoredFrame } from './detection/run.js';
import { allTruth, type TruthSet } from './detection/truth.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const listArg = (name: string, dflt: string[]) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? '').split(',').filter(Boolean) : dflt;
};
const REPO = new URL('..', import.meta.url).pathname;
const DATA = process.env.WATCHPOST_REAL_DATA ?? join(REPO, '..', 'shared', 'data');
const YOLOX = join(DATA, 'models', 'yolox_nano_416x416.onnx');
const modes = listArg('modes', [...regionModeSchema.options]).map((m) => regionModeSchema.parse(m));

const DETECTORS: Record<string, Record<string, unknown>> = {
  centernet: { family: 'centernet' },
  yolox: { family: 'yolox', path: YOLOX },
};
const detectorNames = listArg('detectors', ['centernet', 'yolox']).filter((d) => {
  if (!DETECTORS[d]) throw new Error(`--detectors: unknown ${d} (centernet, yolox)`);
  return d !== 'yolox' || existsSync(YOLOX);
});

interface ModeResult {
  buckets: Record<string, BucketScore>;
  /** Detector runs per processed frame, and detector time per processed frame (ms). */
  runsPerFrame: number;
  msPerFrame: number;
  idSwitches: number;
  trackSeconds: number;
  idSwitchesPer100TrackSeconds: number | null;
  perSet: Record<string, { truth: number; found: number; falsePositives: number }>;
}

/** Data-folder sets label only some people: their unmatched detections are not errors. */
const recallOnly = (set: TruthSet) => !set.path.startsWith(join(DATA, 'footage'));
const keepScored = (set: TruthSet, f: ScoredFrame) =>
  recallOnly(set) ? { ...f, dets: matchImage(f.truth, f.dets).filter((m) => m.truth >= 0) } : f;

async function evaluate(
  cfg: Config,
  det: PersonDetector,
  mode: RegionMode,
  sets: TruthSet[],
  frames: Map<string, string>,
) {
  const scored: ScoredFrame[] = [];
  const perSet: ModeResult['perSet'] = {};
  let processed = 0;
  let runs = 0;
  let ms = 0;
  let switches = 0;
  let trackSeconds = 0;
  for (const set of sets) {
    const run = await runSet(set, mode, det, cfg, frames.get(set.name) ?? null);
    processed += run.processed;
    runs += run.runs;
    ms += run.detectMs;
    const kept = run.frames.map((f) => keepScored(set, f));
    scored.push(...kept);
    const s = scoreDetections(kept, { minScore: cfg.detect.personScore, buckets: [SIZE_BUCKETS[0]!] }).all!;
    perSet[set.name] = { truth: s.truth, found: s.found, falsePositives: s.falsePositives };
    if (set.sequenceFps) {
      const ids = identitySwitches(
        run.frames.map((f) => ({
          t: f.timeSec,
          truth: f.truth.map((p) => ({ ...p, id: p.id ?? '' })),
          tracks: f.tracks,
        })),
      );
      switches += ids.switches;
      trackSeconds += ids.truthSeconds;
    }
  }
  return {
    buckets: scoreDetections(scored, { minScore: cfg.detect.personScore }),
    runsPerFrame: runs / processed,
    msPerFrame: ms / processed,
    idSwitches: switches,
    trackSeconds,
    idSwitchesPer100TrackSeconds: trackSeconds ? (100 * switches) / trackSeconds : null,
    perSet,
  } satisfies ModeResult;
}

const pct = (v: number | null) => (v === null ? '   -' : v.toFixed(2));

function printTable(results: Record<string, Record<string, ModeResult>>): void {
  const names = SIZE_BUCKETS.map((b) => b.name);
  const lines = [
    `detector   mode    ${names.map((n) => `${n.padEnd(7)} R    P    AP50`).join(' | ')} | runs/frame ms/frame IDSW/100s`,
  ];
  for (const [d, byMode] of Object.entries(results)) {
    for (const [m, r] of Object.entries(byMode)) {
      const cells = names.map((n) => {
        const b = r.buckets[n]!;
        return `${String(b.truth).padEnd(7)} ${pct(b.recall)} ${pct(b.precision)} ${pct(b.ap50)}`;
      });
      lines.push(
        `${d.padEnd(10)} ${m.padEnd(7)} ${cells.join(' | ')} | ${r.runsPerFrame.toFixed(2).padStart(10)} ` +
          `${r.msPerFrame.toFixed(1).padStart(8)} ${pct(r.idSwitchesPer100TrackSeconds)}`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    process.stdout.write(`bench:detection skipped: no real-data folder at ${DATA} (set WATCHPOST_REAL_DATA)\n`);
    return;
  }
  const sets = allTruth(join(REPO, 'fixtures', 'truth', 'persons'), DATA).filter((s) => existsSync(s.path));
  const frames = new Map(sets.filter((s) => s.sequenceFps).map((s) => [s.name, extractFrames(s.path, s.sequenceFps!)]));
  const results: Record<string, Record<string, ModeResult>> = {};
  try {
    for (const d of detectorNames) {
      const cfg = loadConfig({ overrides: { 'models.personDetector': DETECTORS[d] } });
      const det = await PersonDetector.create(cfg);
      results[d] = {};
      for (const mode of modes) {
        results[d][mode] = await evaluate(cfg, det, mode, sets, frames);
        if (!json) process.stderr.write(`${d} ${mode} done\n`);
      }
    }
  } finally {
    for (const dir of frames.values()) removeFrames(dir);
    await closeAllSessions();
  }
  const truth = { sets: sets.map((s) => s.name), data: DATA };
  if (json) process.stdout.write(`${JSON.stringify({ truth, results })}\n`);
  else printTable(results);
}

await main();
