import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '../image.js';
import { fitRegion, rawRgbNhwc, sampleToTensor, type InputSpec } from './input-tensor.js';

/** 4x2 image whose pixel (x, y) is RGB (10x, 100y, 7). */
const img: DecodedImage = {
  width: 4,
  height: 2,
  data: Buffer.from(Array.from({ length: 8 }, (_, i) => [10 * (i % 4), 100 * Math.floor(i / 4), 7]).flat()),
};

describe('fitRegion', () => {
  it('letterboxes centred, top-left, or stretches, and maps model points back to source pixels', () => {
    const centre = fitRegion([0, 0, 200, 100], { width: 64, height: 64 }, 'center');
    // scale 200/64; 100 source rows fill 32 model rows, 16 rows of bar above
    expect(centre.point([32, 16])).toEqual([100, 0]);
    expect(centre.point([64, 48])).toEqual([200, 100]);
    const topLeft = fitRegion([0, 0, 200, 100], { width: 64, height: 64 }, 'topleft');
    expect(topLeft.point([64, 32])).toEqual([200, 100]);
    const stretch = fitRegion([10, 20, 110, 220], { width: 50, height: 50 }, 'stretch');
    expect(stretch.box([0, 0, 50, 50])).toEqual([10, 20, 110, 220]);
  });
});

describe('sampleToTensor', () => {
  it('copies pixels exactly at scale 1, in NHWC RGB', () => {
    const t = sampleToTensor(img, [1, 0, 0, 0, 1, 0], {
      width: 4,
      height: 2,
      layout: 'nhwc',
      order: 'rgb',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      fill: 0,
    });
    expect(Array.from(t)).toEqual(Array.from(img.data));
  });

  it('writes NCHW BGR with mean/std, and the fill value outside the image', () => {
    const t = sampleToTensor(img, [1, 0, 0, 0, 1, 0], {
      width: 5,
      height: 2,
      layout: 'nchw',
      order: 'bgr',
      mean: [1, 2, 3],
      std: [2, 2, 2],
      fill: 9,
    });
    const plane = 10;
    // B plane at (1, 0): (7 - 1) / 2; G plane at (0, 1): (100 - 2) / 2; R plane at (3, 0): (30 - 3) / 2
    expect(t[0 * plane + 1]).toBe(3);
    expect(t[1 * plane + 5]).toBe(49);
    expect(t[2 * plane + 3]).toBe(13.5);
    // column 4 is past the right border: fill 9 normalised per channel
    expect(t[0 * plane + 4]).toBe(4);
    expect(t[2 * plane + 9]).toBe(3);
  });

  it('interpolates bilinearly between pixels', () => {
    const t = sampleToTensor(img, [0.5, 0, 0, 0, 0.5, 0], {
      width: 2,
      height: 2,
      layout: 'nhwc',
      order: 'rgb',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      fill: 0,
    });
    // output (1, 1) reads source (0.5, 0.5): R = 5, G = 50
    expect(t[(1 * 2 + 1) * 3]).toBe(5);
    expect(t[(1 * 2 + 1) * 3 + 1]).toBe(50);
  });

  it('gives the same values on the letterbox (separable) path as on the per-pixel affine path', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const noisy: DecodedImage = {
      width: 37,
      height: 23,
      data: Buffer.from(Array.from({ length: 37 * 23 * 3 }, () => Math.floor(rand() * 256))),
    };
    const specs: InputSpec[] = [
      ...(['nhwc', 'nchw'] as const).map((layout) => ({
        width: 19,
        height: 17,
        layout,
        order: 'bgr' as const,
        mean: [10, 20, 30] as const,
        std: [2, 3, 4] as const,
        fill: 5,
      })),
      // Raw RGB NHWC (the person detector's input) has a loop of its own.
      { ...rawRgbNhwc(19), height: 17 },
    ];
    for (const spec of specs) {
      for (let trial = 0; trial < 20; trial++) {
        const a = 0.3 + rand() * 3,
          e = 0.3 + rand() * 3,
          c = (rand() - 0.5) * 20,
          f = (rand() - 0.5) * 20;
        const aligned = sampleToTensor(noisy, [a, 0, c, 0, e, f], spec);
        // A negligible shear sends the same transform down the per-pixel path.
        const perPixel = sampleToTensor(noisy, [a, 1e-300, c, 1e-300, e, f], spec);
        for (let i = 0; i < aligned.length; i++) expect(Math.abs(aligned[i]! - perPixel[i]!)).toBeLessThan(1e-6);
      }
    }
  });
});
