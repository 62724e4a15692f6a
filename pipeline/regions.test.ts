import { describe, expect, it } from 'vitest';
import type { Box } from './geometry.js';
import { MOTION_THUMB } from './motion-gate.js';
import {
  changedClusters,
  fitCrop,
  ios,
  mergeRegionDetections,
  motionRegions,
  planRegions,
  resolveRegionMode,
  tileGrid,
  tileRegions,
} from './regions.js';

const HD = { width: 1280, height: 720 };
const FULL_HD = { width: 1920, height: 1080 };
const WIDE = { width: 512, height: 288 };

const covers = (tiles: Box[], x: number, y: number) =>
  tiles.some((t) => x >= t[0] && x <= t[2] && y >= t[1] && y <= t[3]);

describe('tileGrid', () => {
  it('covers a 1080p frame with model-sized tiles that overlap by at least the set share', () => {
    const tiles = tileGrid(FULL_HD, WIDE, 0.25);
    // (1920 - 128) / 384 -> 5 columns, (1080 - 72) / 216 -> 5 rows
    expect(tiles).toHaveLength(25);
    for (const t of tiles) {
      expect(t[2] - t[0]).toBe(512);
      expect(t[3] - t[1]).toBe(288);
      expect(t[0]).toBeGreaterThanOrEqual(0);
      expect(t[2]).toBeLessThanOrEqual(1920);
      expect(t[3]).toBeLessThanOrEqual(1080);
    }
    for (let x = 0; x <= 1920; x += 37) for (let y = 0; y <= 1080; y += 29) expect(covers(tiles, x, y)).toBe(true);
    const xs = [...new Set(tiles.map((t) => t[0]))].sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1]! + 512 - xs[i]!).toBeGreaterThanOrEqual(128);
  });

  it('gives no tiles when the frame fits one (the full pass sees it natively) and one row for a low frame', () => {
    expect(tileGrid({ width: 480, height: 270 }, WIDE)).toEqual([]);
    const row = tileGrid({ width: 800, height: 200 }, WIDE);
    expect(row.every((t) => t[1] === 0 && t[3] === 200)).toBe(true);
    expect(row.length).toBe(2);
  });

  it('puts the whole frame first in tiles mode', () => {
    expect(tileRegions(HD, WIDE)[0]).toEqual([0, 0, 1280, 720]);
    expect(tileRegions(HD, WIDE)).toHaveLength(1 + 9);
  });
});

describe('changedClusters', () => {
  it('finds 8-connected clusters of changed cells in frame pixels and drops single-cell noise', () => {
    const grid = { width: 8, height: 4 };
    // prettier-ignore
    const cells = Uint8Array.from([
      1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0,
    ]);
    const boxes = changedClusters(cells, grid, { width: 800, height: 400 }, 2);
    expect(boxes).toEqual([
      [0, 0, 300, 200],
      [400, 300, 600, 400],
    ]);
  });
});

describe('fitCrop', () => {
  it('grows a small box to the model size around its centre, and keeps it inside the frame', () => {
    expect(fitCrop([600, 300, 640, 400], WIDE, HD)).toEqual([364, 206, 876, 494]);
    expect(fitCrop([0, 0, 40, 100], WIDE, HD)).toEqual([0, 0, 512, 288]);
    expect(fitCrop([1250, 690, 1280, 720], WIDE, HD)).toEqual([768, 432, 1280, 720]);
  });

  it('takes the model aspect ratio for a tall box, never larger than the frame', () => {
    const c = fitCrop([600, 100, 700, 600], WIDE, HD);
    expect((c[2] - c[0]) / (c[3] - c[1])).toBeCloseTo(512 / 288, 5);
    expect(c[3] - c[1]).toBe(500);
    expect(fitCrop([0, 0, 1280, 720], WIDE, { width: 640, height: 480 })).toEqual([0, 0, 640, 480]);
  });
});

describe('motionRegions', () => {
  it('gives nothing to look at for a still scene with no tracks', () => {
    expect(motionRegions({ frame: HD, model: WIDE, boxes: [] })).toEqual([]);
  });

  it('gives one native-resolution crop for a person walking in', () => {
    const crops = motionRegions({ frame: FULL_HD, model: WIDE, boxes: [[900, 500, 960, 620]] });
    expect(crops).toHaveLength(1);
    const [c] = crops as [Box];
    expect(c[0]).toBeLessThanOrEqual(900 - 60);
    expect(c[2]).toBeGreaterThanOrEqual(960 + 60);
    expect(c[2] - c[0]).toBeLessThan(1920 * 0.6);
  });

  it('merges overlapping crops and keeps at most maxCrops, smallest union first', () => {
    const boxes: Box[] = [
      [100, 100, 140, 200],
      [150, 120, 190, 220],
      [1700, 800, 1740, 900],
      [1000, 100, 1040, 200],
    ];
    const crops = motionRegions({ frame: FULL_HD, model: WIDE, boxes, maxCrops: 2 });
    expect(crops).toHaveLength(2);
    for (const b of boxes) expect(crops.some((c) => ios(c, b) === 1)).toBe(true);
  });

  it('falls back to the whole frame when the crops would cover most of it', () => {
    const crops = motionRegions({ frame: HD, model: WIDE, boxes: [[0, 0, 1200, 700]] });
    expect(crops).toEqual([[0, 0, 1280, 720]]);
  });
});

describe('mergeRegionDetections', () => {
  it('merges a person cut at a tile edge with the same person whole in the next tile (union, best score)', () => {
    const out = mergeRegionDetections([
      { box: [400, 100, 512, 300], score: 0.6, region: 1 },
      { box: [400, 100, 450, 300], score: 0.4, region: 2 },
      { box: [395, 98, 452, 305], score: 0.7, region: 0 },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.score).toBe(0.7);
    expect(out[0]!.box).toEqual([395, 98, 512, 305]);
  });

  it('never merges two detections of the same region (the model already separated them)', () => {
    const out = mergeRegionDetections([
      { box: [100, 100, 160, 300], score: 0.9, region: 0 },
      { box: [110, 110, 150, 290], score: 0.5, region: 0 },
    ]);
    expect(out).toHaveLength(2);
  });

  it('keeps two people apart when each fits a different live track (tracker-aware)', () => {
    const dets = [
      { box: [100, 100, 160, 300] as Box, score: 0.9, region: 0 },
      { box: [120, 100, 175, 300] as Box, score: 0.8, region: 1 },
    ];
    expect(mergeRegionDetections(dets)).toHaveLength(1);
    const tracks: Box[] = [
      [98, 100, 158, 300],
      [122, 100, 177, 300],
    ];
    expect(mergeRegionDetections(dets, { tracks })).toHaveLength(2);
  });
});

describe('planRegions', () => {
  const base = { frame: HD, model: WIDE, tileScale: 1, grid: MOTION_THUMB, tracks: [] as Box[] };

  it('resolves auto to tiles for photos, motion for gated cameras, whole without gating', () => {
    expect(resolveRegionMode('auto', { still: true, motionGating: true })).toBe('tiles');
    expect(resolveRegionMode('auto', { still: false, motionGating: true })).toBe('motion');
    expect(resolveRegionMode('auto', { still: false, motionGating: false })).toBe('whole');
    expect(resolveRegionMode('whole', { still: true, motionGating: true })).toBe('whole');
  });

  it('plans whole, tiles (larger with tileScale) and motion crops', () => {
    expect(planRegions({ ...base, mode: 'whole', changed: null })).toEqual([[0, 0, 1280, 720]]);
    expect(planRegions({ ...base, mode: 'tiles', changed: null })).toHaveLength(10);
    expect(planRegions({ ...base, mode: 'tiles', tileScale: 2, changed: null })).toHaveLength(1 + 4);
    // A first frame (nothing to compare with) is looked at whole.
    expect(planRegions({ ...base, mode: 'motion', changed: null })).toEqual([[0, 0, 1280, 720]]);
    const changed = new Uint8Array(MOTION_THUMB.width * MOTION_THUMB.height);
    for (const [x, y] of [
      [40, 20],
      [40, 21],
      [41, 21],
    ])
      changed[y! * MOTION_THUMB.width + x!] = 1;
    const crops = planRegions({ ...base, mode: 'motion', changed });
    expect(crops).toHaveLength(1);
    expect(crops[0]![2] - crops[0]![0]).toBe(512);
    expect(covers(crops, 41 * 20, 21 * 20)).toBe(true);
  });

  it('crops around a tracked person who stands still', () => {
    const changed = new Uint8Array(MOTION_THUMB.width * MOTION_THUMB.height);
    const crops = planRegions({ ...base, mode: 'motion', changed, tracks: [[1000, 300, 1050, 420]] });
    expect(crops).toHaveLength(1);
    expect(ios(crops[0]!, [1000, 300, 1050, 420])).toBe(1);
  });
});
