import { describe, expect, it } from 'vitest';
import type { Box } from '../pipeline/geometry.js';
import type { DecodedImage } from './image.js';
import { denoiseRegions, lowLightFaces, meanLuma } from './low-light.js';

/** A grey picture at `scene` luma with a square "face" at `face` luma, plus +-amp checkerboard noise on the face. */
function picture(scene: number, face: number, amp = 0): { img: DecodedImage; box: Box } {
  const W = 120,
    H = 90;
  const data = Buffer.alloc(W * H * 3, scene);
  const box: Box = [40, 20, 80, 60];
  for (let y = box[1]; y < box[3]; y++)
    for (let x = box[0]; x < box[2]; x++)
      data.fill(face + ((x + y) % 2 ? amp : -amp), (y * W + x) * 3, (y * W + x) * 3 + 3);
  return { img: { data, width: W, height: H }, box };
}

describe('low-light faces', () => {
  it('are dark faces in a dark picture only: a dark face in daylight keeps its detail', () => {
    const night = picture(40, 50);
    expect(lowLightFaces(night.img, [night.box])).toEqual([night.box]);
    const dayDarkFace = picture(130, 50);
    expect(lowLightFaces(dayDarkFace.img, [dayDarkFace.box])).toEqual([]);
    const nightLitFace = picture(40, 120);
    expect(lowLightFaces(nightLitFace.img, [nightLitFace.box])).toEqual([]);
  });

  it('are smoothed around the face only, keeping their brightness', () => {
    const { img, box } = picture(40, 50, 12);
    const out = denoiseRegions(img, [box]);
    const spread = (im: DecodedImage) => {
      let lo = 255,
        hi = 0;
      for (let y = 30; y < 50; y++)
        for (let x = 50; x < 70; x++) {
          const v = im.data[(y * im.width + x) * 3]!;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      return hi - lo;
    };
    expect(spread(img)).toBe(24);
    expect(spread(out)).toBeLessThanOrEqual(3);
    // Only the face edge blends with the darker scene around it.
    expect(Math.abs(meanLuma(out, box) - meanLuma(img, box))).toBeLessThan(1);
    // Far from the face (beyond its margin) nothing changes, and the input is not modified.
    expect(out.data[0]).toBe(40);
    expect(out.data[(89 * 120 + 119) * 3]).toBe(40);
    expect(img.data[(30 * 120 + 50) * 3]).toBe(38);
  });
});
