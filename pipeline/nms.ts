import type { Box } from './geometry.js';

/** A scored box; `T` carries whatever else the detector attached (keypoints, class). */
export type Scored<T = object> = T & { box: Box; score: number };

export function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

/** Intersection over union of two boxes; 0 when either is empty. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

export interface NmsOptions {
  /** Boxes overlapping a kept box by more than this IoU are suppressed. */
  iouThreshold: number;
  /** Candidates below this score are dropped before suppression. */
  scoreThreshold?: number;
  /** At most this many results (highest scores first). */
  maxResults?: number;
}

/** Greedy non-maximum suppression; results sorted by score, highest first. */
export function nms<T>(candidates: Scored<T>[], opts: NmsOptions): Scored<T>[] {
  const min = opts.scoreThreshold ?? -Infinity;
  const max = opts.maxResults ?? Infinity;
  const sorted = candidates.filter((c) => c.score >= min).sort((a, b) => b.score - a.score);
  const kept: Scored<T>[] = [];
  for (const c of sorted) {
    if (kept.length >= max) break;
    if (kept.every((k) => iou(k.box, c.box) <= opts.iouThreshold)) kept.push(c);
  }
  return kept;
}

/**
 * Weighted NMS (MediaPipe's BlazeFace post-processing): each kept detection is the
 * score-weighted mean of itself and every candidate it suppresses, boxes and
 * keypoints alike. Steadier than greedy NMS for anchor-dense detectors, whose many
 * overlapping anchors each see a slightly different face.
 */
export function weightedNms<T extends { keypoints: [number, number][] }>(
  candidates: Scored<T>[],
  opts: NmsOptions,
): Scored<T>[] {
  const min = opts.scoreThreshold ?? -Infinity;
  const max = opts.maxResults ?? Infinity;
  let remaining = candidates.filter((c) => c.score >= min).sort((a, b) => b.score - a.score);
  const out: Scored<T>[] = [];
  while (remaining.length > 0 && out.length < max) {
    const top = remaining[0]!;
    const cluster: Scored<T>[] = [];
    const rest: Scored<T>[] = [];
    for (const c of remaining) (iou(top.box, c.box) > opts.iouThreshold || c === top ? cluster : rest).push(c);
    const total = cluster.reduce((s, c) => s + c.score, 0);
    const box: Box = [0, 0, 0, 0];
    const keypoints = top.keypoints.map(() => [0, 0] as [number, number]);
    for (const c of cluster) {
      const w = c.score / total;
      for (let i = 0; i < 4; i++) box[i]! += c.box[i]! * w;
      c.keypoints.forEach((p, i) => {
        keypoints[i]![0] += p[0] * w;
        keypoints[i]![1] += p[1] * w;
      });
    }
    out.push({ ...top, box, keypoints });
    remaining = rest;
  }
  return out;
}
