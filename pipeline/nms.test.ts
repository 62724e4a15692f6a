import { describe, expect, it } from 'vitest';
import type { Box, Point } from './geometry.js';
import { iou, nms, weightedNms } from './nms.js';

describe('iou', () => {
  it('is 1 for identical boxes, 0 for disjoint or touching ones, and the overlap ratio otherwise', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    // 5x10 overlap = 50; union 100 + 100 - 50 = 150
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3, 10);
  });

  it('is 0 for degenerate boxes', () => {
    expect(iou([5, 5, 5, 5], [0, 0, 10, 10])).toBe(0);
  });
});

describe('nms', () => {
  const det = (box: Box, score: number, tag: string) => ({ box, score, tag });

  it('keeps the best of overlapping boxes and every separate one, best first', () => {
    const out = nms(
      [
        det([0, 0, 10, 10], 0.6, 'a2'),
        det([1, 0, 11, 10], 0.9, 'a1'),
        det([50, 50, 60, 60], 0.7, 'b'),
        det([0, 1, 10, 11], 0.3, 'a3'),
      ],
      { iouThreshold: 0.5 },
    );
    expect(out.map((d) => d.tag)).toEqual(['a1', 'b']);
  });

  it('applies the score threshold and the result limit', () => {
    const input = [det([0, 0, 1, 1], 0.2, 'low'), det([5, 5, 6, 6], 0.8, 'x'), det([9, 9, 10, 10], 0.7, 'y')];
    expect(nms(input, { iouThreshold: 0.5, scoreThreshold: 0.5 }).map((d) => d.tag)).toEqual(['x', 'y']);
    expect(nms(input, { iouThreshold: 0.5, maxResults: 1 }).map((d) => d.tag)).toEqual(['x']);
  });

  it('keeps boxes whose overlap is exactly at the threshold', () => {
    // IoU 1/3 with threshold 1/3: not above, so kept.
    const out = nms([det([0, 0, 10, 10], 0.9, 'a'), det([5, 0, 15, 10], 0.8, 'b')], { iouThreshold: 1 / 3 + 1e-9 });
    expect(out).toHaveLength(2);
  });
});

describe('weightedNms', () => {
  it('averages a cluster by score, boxes and keypoints alike, and leaves separate faces alone', () => {
    const kp = (x: number): Point[] => [[x, x]];
    const out = weightedNms(
      [
        { box: [0, 0, 10, 10], score: 0.75, keypoints: kp(2) },
        { box: [2, 0, 12, 10], score: 0.25, keypoints: kp(6) },
        { box: [100, 100, 110, 110], score: 0.5, keypoints: kp(100) },
      ],
      { iouThreshold: 0.3 },
    );
    expect(out).toHaveLength(2);
    expect(out[0]!.score).toBe(0.75);
    expect(out[0]!.box[0]).toBeCloseTo(0.5, 10); // 0·0.75 + 2·0.25
    expect(out[0]!.box[2]).toBeCloseTo(10.5, 10);
    expect(out[0]!.keypoints[0]![0]).toBeCloseTo(3, 10); // 2·0.75 + 6·0.25
    expect(out[1]!.box).toEqual([100, 100, 110, 110]);
  });
});
