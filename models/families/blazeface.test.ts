import { describe, expect, it } from 'vitest';
import { blazefaceAnchors, decodeBlazeface } from './blazeface.js';

describe('blazefaceAnchors', () => {
  it('lays 512 anchors on a 16x16 grid (2 per cell) then 384 on 8x8 (6 per cell), at cell centres', () => {
    const a = blazefaceAnchors(256);
    expect(a).toHaveLength(896);
    expect(a[0]).toEqual([8, 8]);
    expect(a[1]).toEqual([8, 8]);
    expect(a[2]).toEqual([24, 8]);
    expect(a[511]).toEqual([248, 248]);
    expect(a[512]).toEqual([16, 16]);
    expect(a[895]).toEqual([240, 240]);
  });
});

describe('decodeBlazeface', () => {
  const anchors = blazefaceAnchors(256);
  const logits = new Float32Array(896).fill(-10);
  const regressors = new Float32Array(896 * 16);
  /** A face at anchor i: centre offset (dx, dy), size (w, h), keypoints at anchor + k. */
  const put = (i: number, logit: number, dx: number, dy: number, w: number, h: number) => {
    logits[i] = logit;
    regressors.set([dx, dy, w, h, ...Array.from({ length: 12 }, (_, k) => k)], i * 16);
  };
  put(600, 3, 2, -4, 40, 44); // anchor 600: 8x8 level, cell (88 / 6 = cell 14 -> gx 6, gy 1) centre (208, 48)
  put(601, 1, 2, -4, 40, 44); // same cell: merges into the first
  put(100, 2, 0, 0, 20, 20); // anchor 100: cell 50 of 16x16 -> gx 2, gy 3 -> (40, 56)

  it('decodes boxes and keypoints around anchors and merges overlapping anchors', () => {
    const faces = decodeBlazeface(logits, regressors, anchors, 0.5);
    expect(faces).toHaveLength(2);
    const [a, b] = faces;
    expect(anchors[600]).toEqual([208, 48]);
    expect(a!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(a!.box).toEqual([210 - 20, 44 - 22, 210 + 20, 44 + 22].map((v) => expect.closeTo(v, 4)));
    expect(a!.keypoints).toHaveLength(6);
    expect(a!.keypoints[0]).toEqual([expect.closeTo(208, 4), expect.closeTo(49, 4)]);
    expect(b!.box).toEqual([30, 46, 50, 66].map((v) => expect.closeTo(v, 4)));
  });

  it('drops anchors below the score threshold', () => {
    expect(decodeBlazeface(logits, regressors, anchors, 0.9)).toHaveLength(1);
  });
});
