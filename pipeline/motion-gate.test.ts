import { describe, expect, it } from 'vitest';
import { gateFrame, motionMask, motionShare, MOTION_THUMB } from './motion-gate.js';

const W = MOTION_THUMB.width;
const H = MOTION_THUMB.height;

/** A deterministic textured background (a gradient plus a pattern). */
function background(brightness = 0): Uint8Array {
  const img = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) img[y * W + x] = Math.min(255, 40 + x * 2 + ((x * 7 + y * 13) % 17) + brightness);
  return img;
}

/** Paints a dark rectangle (a person) into a copy of `img`, in thumbnail pixels. */
function withBlob(img: Uint8Array, x: number, y: number, w: number, h: number): Uint8Array {
  const out = img.slice();
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) out[yy * W + xx] = 5;
  return out;
}

/** The scene at a camera gain of `gain` (night: dark and low contrast). */
const dim = (img: Uint8Array, gain: number) => img.map((v) => Math.round(v * gain));

const none = motionMask([]);

describe('motionShare', () => {
  it('is zero for the same frame and for a global brightness or gain change', () => {
    expect(motionShare(background(), background(), none)).toBe(0);
    expect(motionShare(background(), background(60), none)).toBe(0);
    expect(motionShare(background(), dim(background(), 0.4), none)).toBe(0);
  });

  it('is as sensitive in a dark, flat night scene as in daylight', () => {
    const night = dim(background(), 0.3);
    const share = motionShare(night, withBlob(night, 10, 10, 3, 6), none);
    expect(share).toBeCloseTo(18 / (W * H), 5);
  });

  it('measures the share of changed pixels of a small moving blob', () => {
    const share = motionShare(background(), withBlob(background(), 10, 10, 3, 6), none);
    expect(share).toBeCloseTo(18 / (W * H), 5);
  });

  it('ignores masked regions', () => {
    const tree = motionMask([[0, 0, 0.25, 1]]);
    expect(tree.reduce((a, b) => a + b, 0)).toBe((W - 16) * H);
    expect(motionShare(background(), withBlob(background(), 2, 5, 10, 20), tree)).toBe(0);
    expect(motionShare(background(), withBlob(background(), 40, 5, 10, 20), tree)).toBeGreaterThan(0);
  });

  it('refuses thumbnails of different sizes', () => {
    expect(() => motionShare(new Uint8Array(4), new Uint8Array(5), new Uint8Array(5))).toThrow(RangeError);
  });
});

describe('gateFrame', () => {
  const base = { enabled: true, mask: none, tracksAlive: false, sinceDetectionMs: 1000, threshold: 0.002 };

  it('skips a still frame and detects a frame with a person entering', () => {
    expect(gateFrame({ ...base, reference: background(), current: background(10) })).toMatchObject({
      detect: false,
      reason: 'still',
    });
    expect(gateFrame({ ...base, reference: background(), current: withBlob(background(), 5, 5, 3, 8) })).toMatchObject({
      detect: true,
      reason: 'motion',
    });
  });

  it('always detects while a track is alive, without a reference, when disabled, and after refreshMs', () => {
    const still = { ...base, reference: background(), current: background() };
    expect(gateFrame({ ...still, tracksAlive: true }).reason).toBe('tracks_alive');
    expect(gateFrame({ ...still, reference: null }).reason).toBe('no_reference');
    expect(gateFrame({ ...still, enabled: false }).reason).toBe('gating_off');
    expect(gateFrame({ ...still, sinceDetectionMs: 10_000 }).reason).toBe('refresh');
  });
});
