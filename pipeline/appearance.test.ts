import { describe, expect, it } from 'vitest';
import { appearanceDistance, appearanceOf, blendAppearance, torsoRegion } from './appearance.js';

/** 100x200 RGB image: top half (y < 100) one colour, bottom half another. */
function twoTone(top: [number, number, number], bottom: [number, number, number]) {
  const data = new Uint8Array(100 * 200 * 3);
  for (let y = 0; y < 200; y++) for (let x = 0; x < 100; x++) data.set(y < 100 ? top : bottom, (y * 100 + x) * 3);
  return { width: 100, height: 200, data };
}

describe('appearance', () => {
  it('takes the colours of the upper body, not of the legs', () => {
    const redShirt = appearanceOf(twoTone([200, 30, 30], [20, 20, 120]), [0, 0, 100, 200])!;
    const redShirtGreyTrousers = appearanceOf(twoTone([200, 30, 30], [128, 128, 128]), [0, 0, 100, 200])!;
    const blueShirt = appearanceOf(twoTone([30, 30, 200], [20, 20, 120]), [0, 0, 100, 200])!;
    expect(torsoRegion([0, 0, 100, 200])).toEqual([20, 40, 80, 120]);
    // The torso region (y 40..120) is three quarters shirt: other trousers move it by sqrt(1 - 0.75).
    expect(appearanceDistance(redShirt, redShirtGreyTrousers)).toBeCloseTo(0.5, 2);
    expect(appearanceDistance(redShirt, blueShirt)).toBeGreaterThan(0.8);
    expect(appearanceDistance(redShirt, redShirt)).toBe(0);
    expect(redShirt.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
  });

  it('clips the region to the image and has nothing for a box outside it', () => {
    const img = twoTone([200, 30, 30], [20, 20, 120]);
    expect(appearanceOf(img, [-50, -50, 60, 100])).not.toBeNull();
    expect(appearanceOf(img, [300, 300, 400, 500])).toBeNull();
  });

  it('follows a new sighting by the blend rate', () => {
    expect(blendAppearance([1, 0], [0, 1], 0.3)).toEqual([0.7, 0.3]);
    expect(blendAppearance(undefined, [0, 1])).toEqual([0, 1]);
    expect(blendAppearance([1, 0], null)).toEqual([1, 0]);
  });
});
