import { describe, expect, it } from 'vitest';
import type { Affine } from '../pipeline/face-alignment.js';
import { qualityScore } from '../pipeline/face-quality-rule.js';
import { measureFace, sharpness } from './face-quality.js';
import type { DecodedImage } from './image.js';

/** A 200x200 checkerboard with `cell`-pixel squares: small cells = lots of detail. */
function checkerboard(cell: number): DecodedImage {
  const data = Buffer.alloc(200 * 200 * 3);
  for (let y = 0; y < 200; y++)
    for (let x = 0; x < 200; x++)
      data.fill(((x / cell) ^ (y / cell)) & 1 ? 230 : 20, (y * 200 + x) * 3, (y * 200 + x) * 3 + 3);
  return { width: 200, height: 200, data };
}
const flat: DecodedImage = { width: 200, height: 200, data: Buffer.alloc(200 * 200 * 3, 128) };
/** A 150 px crop covering `side` source pixels from (10, 10). */
const crop = (side: number): Affine => [side / 150, 0, 10, 0, side / 150, 10];
const face = (width: number, score = 0.9) => ({
  box: [10, 10, 10 + width, 10 + width] as [number, number, number, number],
  score,
  keypoints: [],
});

describe('face measures', () => {
  it('sharpness is zero for a flat crop and grows with detail', () => {
    expect(sharpness(flat, crop(150), 150)).toBe(0);
    expect(sharpness(checkerboard(4), crop(150), 150)).toBeGreaterThan(sharpness(checkerboard(40), crop(150), 150));
  });

  it('measures size, score, exposure; without landmarks pose reads frontal', () => {
    const m = measureFace(flat, crop(150), 150, face(120, 0.8));
    expect(m).toMatchObject({
      widthPx: 120,
      detectorScore: 0.8,
      sharpness: 0,
      yaw: 0,
      pitch: 0,
      brightness: 128,
      contrast: 0,
    });
  });

  it('quality rises with face size, detector score and sharpness', () => {
    const sharp = checkerboard(4);
    const big = qualityScore(measureFace(sharp, crop(180), 150, face(100)));
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThanOrEqual(1);
    expect(qualityScore(measureFace(sharp, crop(180), 150, face(40)))).toBeLessThan(big);
    expect(qualityScore(measureFace(sharp, crop(180), 150, face(100, 0.5)))).toBeLessThan(big);
    expect(qualityScore(measureFace(flat, crop(180), 150, face(100)))).toBe(0);
  });
});
