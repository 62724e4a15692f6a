/**
 * Person-detection accuracy against ground-truth boxes, COCO-style: per image,
 * detections (best first) are matched greedily to the unmatched truth box they overlap
 * most, at IoU >= 0.5. Truth marked `ignore` (a person cut to a sliver by the frame's
 * edge, a face in a poster) is neither required nor an error to find. Sizes are
 * person heights in pixels; a size bucket counts its truth boxes and, for precision,
 * unmatched detections of its size (COCO's area ranges, by height).
 */
import type { Box } from '../geometry.js';
import { iou } from '../nms.js';

export interface TruthPerson {
  box: Box;
  ignore?: boolean;
}

export interface ScoredBox {
  box: Box;
  score: number;
}

export interface SizeBucket {
  name: string;
  /** Heights in [min, max) pixels. */
  min: number;
  max: number;
}

/** The buckets, and the goal's ">= 48 px" line. */
export const SIZE_BUCKETS: readonly SizeBucket[] = Object.freeze([
  { name: 'all', min: 0, max: Infinity },
  { name: '<64', min: 0, max: 64 },
  { name: '64-128', min: 64, max: 128 },
  { name: '>128', min: 128, max: Infinity },
  { name: '>=48', min: 48, max: Infinity },
]);

export interface BucketScore {
  truth: number;
  found: number;
  /** Detections at or above the operating score that match no truth box. */
  falsePositives: number;
  recall: number | null;
  precision: number | null;
  /** Average precision at IoU 0.5 over every detection (all-point interpolation). */
  ap50: number | null;
}

const height = (b: Box) => b[3] - b[1];
const inBucket = (b: Box, s: SizeBucket) => height(b) >= s.min && height(b) < s.max;

interface Matched {
  score: number;
  /** Index of the truth box it matched, or -1. */
  truth: number;
  box: Box;
}

/** Greedy IoU matching of one image's detections (best first) to its truth boxes. */
export function matchImage(truth: readonly TruthPerson[], dets: readonly ScoredBox[], minIou = 0.5): Matched[] {
  const taken = new Set<number>();
  return [...dets]
    .sort((a, b) => b.score - a.score)
    .map((d) => {
      let best = -1;
      let bestIou = minIou;
      truth.forEach((t, i) => {
        if (taken.has(i)) return;
        const v = iou(t.box, d.box);
        if (v >= bestIou) [best, bestIou] = [i, v];
      });
      if (best >= 0) taken.add(best);
      return { score: d.score, truth: best, box: d.box };
    });
}

/** Area under the precision-recall curve, with precision made monotone (VOC all-point). */
function averagePrecision(ranked: { tp: boolean }[], positives: number): number | null {
  if (positives === 0) return null;
  const points: { r: number; p: number }[] = [];
  let tp = 0;
  ranked.forEach((d, i) => {
    if (d.tp) tp++;
    points.push({ r: tp / positives, p: tp / (i + 1) });
  });
  let ap = 0;
  let prevR = 0;
  for (let i = 0; i < points.length; i++) {
    const maxP = Math.max(...points.slice(i).map((q) => q.p));
    ap += (points[i]!.r - prevR) * maxP;
    prevR = points[i]!.r;
  }
  return ap;
}

/**
 * Recall, precision (at `minScore`) and AP50 per size bucket over several images.
 * Detections below `minScore` count only towards AP.
 */
export function scoreDetections(
  images: ReadonlyArray<{ truth: readonly TruthPerson[]; dets: readonly ScoredBox[] }>,
  opts: { minScore: number; buckets?: readonly SizeBucket[] },
): Record<string, BucketScore> {
  const matched = images.map((im) => ({ truth: im.truth, m: matchImage(im.truth, im.dets) }));
  const out: Record<string, BucketScore> = {};
  for (const bucket of opts.buckets ?? SIZE_BUCKETS) {
    let truthCount = 0;
    let found = 0;
    let fp = 0;
    const ranked: { score: number; tp: boolean }[] = [];
    for (const { truth, m } of matched) {
      const wanted = truth.map((t) => !t.ignore && inBucket(t.box, bucket));
      truthCount += wanted.filter(Boolean).length;
      for (const d of m) {
        // A detection of an ignored or other-sized person is not scored here.
        const counts = d.truth >= 0 ? wanted[d.truth] : inBucket(d.box, bucket);
        if (!counts) continue;
        ranked.push({ score: d.score, tp: d.truth >= 0 });
        if (d.score < opts.minScore) continue;
        if (d.truth >= 0) found++;
        else fp++;
      }
    }
    ranked.sort((a, b) => b.score - a.score);
    out[bucket.name] = {
      truth: truthCount,
      found,
      falsePositives: fp,
      recall: truthCount ? found / truthCount : null,
      precision: found + fp ? found / (found + fp) : null,
      ap50: averagePrecision(ranked, truthCount),
    };
  }
  return out;
}

/**
 * Identity switches of a tracker against truth identities over a sequence of labelled
 * frames (MOTA's IDSW): a truth person whose matched track differs from the track it
 * last matched. Also the truth person-seconds, for a rate per 100 track-seconds.
 */
export function identitySwitches(
  frames: ReadonlyArray<{
    t: number;
    truth: ReadonlyArray<TruthPerson & { id: string }>;
    tracks: ReadonlyArray<{ id: string; box: Box }>;
  }>,
  minIou = 0.5,
): { switches: number; truthSeconds: number } {
  const last = new Map<string, string>();
  let switches = 0;
  let truthSeconds = 0;
  frames.forEach((f, i) => {
    const dt = i + 1 < frames.length ? frames[i + 1]!.t - f.t : 0;
    const matches = matchImage(
      f.truth,
      f.tracks.map((t) => ({ box: t.box, score: 1 })),
      minIou,
    );
    f.truth.forEach((p) => {
      if (!p.ignore) truthSeconds += dt;
    });
    matches.forEach((m, k) => {
      if (m.truth < 0) return;
      const person = f.truth[m.truth]!.id;
      const track = f.tracks[k]!.id;
      const before = last.get(person);
      if (before !== undefined && before !== track) switches++;
      last.set(person, track);
    });
  });
  return { switches, truthSeconds };
}
