import { describe, expect, it } from 'vitest';
import { faceSizeOf } from './face-size-hint.js';

const opts = { hintBelowPx: 48, minSamples: 10 };

describe('face size of a camera', () => {
  it('hints to move or zoom when most faces are too small to identify', () => {
    const f = faceSizeOf([18, 20, 22, 19, 21, 20, 60, 20, 23, 17, 20], opts);
    expect(f).toEqual({
      medianPx: 20,
      samples: 11,
      hint: 'faces here are 20 px (48 px needed to identify): move or zoom the camera',
    });
  });

  it('says nothing when the usual face is large enough, even with some small ones', () => {
    expect(faceSizeOf([20, 22, 50, 52, 55, 60, 70, 49, 18, 64, 80], opts)?.hint).toBeNull();
  });

  it('waits for enough faces before judging, and has nothing to say without any', () => {
    expect(faceSizeOf([20, 21, 19], opts)).toEqual({ medianPx: 20, samples: 3, hint: null });
    expect(faceSizeOf([], opts)).toBeNull();
  });

  it('takes the middle of an even count', () => {
    expect(faceSizeOf([40, 44, 50, 60], opts)?.medianPx).toBe(47);
  });
});
