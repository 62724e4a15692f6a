/**
 * Which parts of a frame go to the person detector, and how their detections merge.
 * A detector sees its input at a fixed size (CenterNet 512x288 for 16:9): a whole
 * 1080p frame shrinks 3.75x, and a person 60 px tall becomes 16 px, below what the
 * model finds. Regions keep native resolution where people may be:
 * - whole: the frame, once;
 * - tiles: overlapping model-sized tiles plus a full-frame pass (SAHI: slicing-aided
 *   hyper inference, Akyon et al. 2022), merged by intersection over the smaller box;
 * - motion: crops around the motion gate's changed cells and the live tracks' predicted
 *   boxes; a still scene costs nothing, a person walking in one or two crops.
 */
import { z } from 'zod';
import type { Box } from './geometry.js';
import { boxArea, iou } from './nms.js';

export const regionModeSchema = z.enum(['whole', 'tiles', 'motion']);
export type RegionMode = z.infer<typeof regionModeSchema>;

export interface Size {
  width: number;
  height: number;
}

export const REGION_DEFAULTS = Object.freeze({
  /** Share of a tile's width (height) that overlaps its neighbour: a person cut by one tile is whole in the next. */
  tileOverlap: 0.25,
  /** A motion or track box grows by this share of its height on every side: the whole person, not the moving limb. */
  cropPad: 0.5,
  /** At most this many crops a frame; more are merged (the pair whose union is smallest first). */
  maxCrops: 2,
  /** A crop covering this share of the frame is replaced by the whole frame (one run either way). */
  wholeShare: 0.6,
  /** Changed-cell clusters smaller than this are sensor noise. */
  minCells: 2,
  /** Detections from different regions overlapping by this much of the smaller box are one person. */
  mergeIos: 0.5,
});

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Evenly spread starts of `n` windows of `size` over `extent` (first at 0, last at the end). */
function starts(extent: number, size: number, overlap: number): number[] {
  if (size >= extent) return [0];
  const n = Math.ceil((extent - size * overlap) / (size * (1 - overlap)));
  return Array.from({ length: n }, (_, i) => Math.round((i * (extent - size)) / (n - 1)));
}

/**
 * Overlapping tiles of `tile` size covering the frame, row by row; none when the frame
 * fits one tile (the full-frame pass already sees it at native resolution).
 */
export function tileGrid(frame: Size, tile: Size, overlap = REGION_DEFAULTS.tileOverlap): Box[] {
  if (frame.width <= tile.width && frame.height <= tile.height) return [];
  const tw = Math.min(tile.width, frame.width);
  const th = Math.min(tile.height, frame.height);
  const tiles: Box[] = [];
  for (const y of starts(frame.height, th, overlap)) {
    for (const x of starts(frame.width, tw, overlap)) tiles.push([x, y, x + tw, y + th]);
  }
  return tiles;
}

/** Tiles mode: the whole frame first (large people), then the native-resolution tiles. */
export function tileRegions(frame: Size, tile: Size, overlap = REGION_DEFAULTS.tileOverlap): Box[] {
  return [[0, 0, frame.width, frame.height], ...tileGrid(frame, tile, overlap)];
}

/**
 * Bounding boxes, in frame pixels, of the 8-connected clusters of changed cells on a
 * `grid` (the motion gate's thumbnail) laid over the frame; clusters under `minCells` are dropped.
 */
export function changedClusters(cells: Uint8Array, grid: Size, frame: Size, minCells = REGION_DEFAULTS.minCells) {
  const { width: W, height: H } = grid;
  const seen = new Uint8Array(cells.length);
  const boxes: Box[] = [];
  for (let start = 0; start < cells.length; start++) {
    if (!cells[start] || seen[start]) continue;
    let [x1, y1, x2, y2] = [W, H, -1, -1];
    let n = 0;
    const stack = [start];
    seen[start] = 1;
    for (let i = stack.pop(); i !== undefined; i = stack.pop()) {
      const cx = i % W,
        cy = (i - cx) / W;
      n++;
      [x1, y1, x2, y2] = [Math.min(x1, cx), Math.min(y1, cy), Math.max(x2, cx), Math.max(y2, cy)];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx,
            ny = cy + dy;
          const j = ny * W + nx;
          if (nx < 0 || ny < 0 || nx >= W || ny >= H || !cells[j] || seen[j]) continue;
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    if (n < minCells) continue;
    const sx = frame.width / W,
      sy = frame.height / H;
    boxes.push([x1 * sx, y1 * sy, (x2 + 1) * sx, (y2 + 1) * sy]);
  }
  return boxes;
}

const union = (a: Box, b: Box): Box => [
  Math.min(a[0], b[0]),
  Math.min(a[1], b[1]),
  Math.max(a[2], b[2]),
  Math.max(a[3], b[3]),
];
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/**
 * The smallest box of the model's aspect ratio, at least model-sized (native resolution
 * or coarser, never upscaled), around `b`, shifted inside the frame (and cut to it when larger).
 */
export function fitCrop(b: Box, model: Size, frame: Size): Box {
  const aspect = model.width / model.height;
  let w = Math.max(b[2] - b[0], model.width);
  let h = Math.max(b[3] - b[1], model.height);
  if (w / h > aspect) h = w / aspect;
  else w = h * aspect;
  w = Math.min(w, frame.width);
  h = Math.min(h, frame.height);
  const x = clamp((b[0] + b[2]) / 2 - w / 2, 0, frame.width - w);
  const y = clamp((b[1] + b[3]) / 2 - h / 2, 0, frame.height - h);
  return [x, y, x + w, y + h];
}

/** The two crops whose union is smallest (only overlapping ones with `overlapping`), or null. */
function closestPair(crops: Box[], overlapping: boolean): [Box, Box] | null {
  let best: [Box, Box] | null = null;
  let bestArea = Infinity;
  crops.forEach((a, i) => {
    for (const b of crops.slice(i + 1)) {
      if (overlapping && !overlaps(a, b)) continue;
      const area = boxArea(union(a, b));
      if (area < bestArea) [best, bestArea] = [[a, b], area];
    }
  });
  return best;
}

export interface MotionRegionInput {
  frame: Size;
  /** Model input size: crops take its aspect ratio, and are at least this big. */
  model: Size;
  /** Changed-cell clusters (changedClusters) and live tracks' predicted boxes, in frame pixels. */
  boxes: Box[];
  cropPad?: number;
  maxCrops?: number;
  wholeShare?: number;
}

/**
 * Motion mode: crops around what moved and where tracked people are expected. Nothing
 * to look at gives no region; overlapping crops merge, at most `maxCrops` remain, and a
 * crop covering most of the frame becomes the frame.
 */
export function motionRegions(input: MotionRegionInput): Box[] {
  const { frame, model } = input;
  const pad = input.cropPad ?? REGION_DEFAULTS.cropPad;
  const maxCrops = input.maxCrops ?? REGION_DEFAULTS.maxCrops;
  const whole: Box = [0, 0, frame.width, frame.height];
  const joined = (all: Box[], [a, b]: [Box, Box]) => [
    ...all.filter((c) => c !== a && c !== b),
    fitCrop(union(a, b), model, frame),
  ];
  let crops = input.boxes.map((b) => {
    const p = (b[3] - b[1]) * pad;
    return fitCrop([b[0] - p, b[1] - p, b[2] + p, b[3] + p], model, frame);
  });
  // Overlapping crops become one; then, while too many remain, the pair whose union is smallest.
  for (let pair = closestPair(crops, true); pair; pair = closestPair(crops, true)) crops = joined(crops, pair);
  for (let pair = closestPair(crops, false); pair && crops.length > maxCrops; pair = closestPair(crops, false)) {
    crops = joined(crops, pair);
  }
  const share = input.wholeShare ?? REGION_DEFAULTS.wholeShare;
  if (crops.some((c) => boxArea(c) >= share * boxArea(whole))) return [whole];
  return crops;
}

/** Intersection over the smaller box's area (1 when one box holds the other). */
export function ios(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const smaller = Math.min(boxArea(a), boxArea(b));
  return smaller > 0 ? (w * h) / smaller : 0;
}

export interface RegionDetection {
  box: Box;
  score: number;
  /** Index of the region the detection came from. */
  region: number;
}

/**
 * Merges detections of overlapping regions without double counting (SAHI's greedy
 * merge on IoS): best score first, a detection from another region covering a kept one
 * by `mergeIos` of the smaller box joins it (box union, best score), since a person cut
 * at a tile's edge is a part of the same person whole in the next tile. Detections of
 * the same region are never merged (the model's own NMS already separated them), nor
 * two that each fit a different live track best (two people side by side, tracker-aware).
 */
export function mergeRegionDetections(
  dets: RegionDetection[],
  opts: { mergeIos?: number; tracks?: Box[] } = {},
): Array<{ box: Box; score: number }> {
  const threshold = opts.mergeIos ?? REGION_DEFAULTS.mergeIos;
  const tracks = opts.tracks ?? [];
  const trackOf = (b: Box): number => {
    let best = -1;
    let bestIou = 0.5;
    tracks.forEach((t, i) => {
      const v = iou(t, b);
      if (v >= bestIou) [best, bestIou] = [i, v];
    });
    return best;
  };
  const kept: Array<{ box: Box; score: number; regions: Set<number>; track: number }> = [];
  for (const d of [...dets].sort((a, b) => b.score - a.score)) {
    const track = trackOf(d.box);
    let target: (typeof kept)[number] | null = null;
    let bestIos = threshold;
    for (const k of kept) {
      if (k.regions.has(d.region)) continue;
      if (track >= 0 && k.track >= 0 && track !== k.track) continue;
      const v = ios(k.box, d.box);
      if (v >= bestIos) [target, bestIos] = [k, v];
    }
    if (target) {
      target.box = union(target.box, d.box);
      target.regions.add(d.region);
    } else kept.push({ box: [...d.box] as Box, score: d.score, regions: new Set([d.region]), track });
  }
  return kept.map(({ box, score }) => ({ box, score }));
}

/** `detect.regions` and a camera's `regions`: a mode, or `auto`. */
export const regionSettingSchema = z.enum(['auto', ...regionModeSchema.options]);
export type RegionSetting = z.infer<typeof regionSettingSchema>;

/**
 * What `auto` means: a still image (nothing moves, time is no object) is tiled; a camera
 * stream gets motion crops when the motion gate runs, else the whole frame.
 */
export function resolveRegionMode(setting: RegionSetting, ctx: { still: boolean; motionGating: boolean }): RegionMode {
  if (setting !== 'auto') return setting;
  if (ctx.still) return 'tiles';
  return ctx.motionGating ? 'motion' : 'whole';
}

export interface RegionPlanInput {
  mode: RegionMode;
  frame: Size;
  model: Size;
  /** Frame pixels per model pixel in a tile (1: native resolution). */
  tileScale: number;
  /** The motion gate's changed cells since the last detected frame, or null (no reference, or a refresh). */
  changed: Uint8Array | null;
  grid: Size;
  /** Live tracks' predicted boxes. */
  tracks: Box[];
}

/** The regions a frame's detection examines, in frame pixels (the first may be the whole frame). */
export function planRegions(p: RegionPlanInput): Box[] {
  const whole: Box = [0, 0, p.frame.width, p.frame.height];
  if (p.mode === 'whole') return [whole];
  if (p.mode === 'tiles') {
    const tile = { width: p.model.width * p.tileScale, height: p.model.height * p.tileScale };
    return tileRegions(p.frame, tile);
  }
  // A first frame or a refresh has nothing to compare with: the whole frame, once.
  if (!p.changed) return [whole];
  const crops = motionRegions({
    frame: p.frame,
    model: p.model,
    boxes: [...changedClusters(p.changed, p.grid, p.frame), ...p.tracks],
  });
  return crops.length ? crops : [whole];
}
