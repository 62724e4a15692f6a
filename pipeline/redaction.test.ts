import { describe, expect, it } from 'vitest';
import type { Box } from './geometry.js';
import { bystanderHeadRegion, headRegion, matchedTrackId, pixelate, redactionRegions } from './redaction.js';

describe('redactionRegions', () => {
  const matched: Box = [100, 100, 200, 400];
  const bystander: Box = [400, 120, 480, 380];

  it("blurs every other person's head and every face outside the matched person's head", () => {
    const regions = redactionRegions(
      {
        persons: [matched, bystander],
        faces: [
          [130, 110, 170, 150],
          [420, 130, 460, 170],
          [600, 50, 630, 80],
        ],
        keep: matched,
      },
      1280,
      720,
    );
    // bystander head + bystander face + a face with no person box; nothing over the matched person's face
    expect(regions).toHaveLength(3);
    for (const r of regions) expect(r[0] >= 200 || r[2] <= 100).toBe(true);
    expect(regions[0]).toEqual(bystanderHeadRegion(bystander).map((v, i) => (i < 2 ? Math.floor(v) : Math.ceil(v))));
  });

  it('covers the face of a person cut off by the frame, and never the matched person’s head beside a wide box', () => {
    // A child at the bottom edge: the box is all head and shoulders, wider than tall.
    const cutOff: Box = [500, 600, 580, 720];
    expect(bystanderHeadRegion(cutOff)[3]).toBe(600 + 64);
    expect(headRegion(cutOff)[3]).toBe(600 + 42);
    // Someone with raised arms beside the matched person: their head band would reach over the matched face.
    const keep: Box = [400, 150, 600, 720];
    const armsUp: Box = [0, 50, 520, 720];
    const [r] = redactionRegions({ persons: [keep, armsUp], faces: [], keep }, 1280, 720);
    expect(r![2]).toBeLessThanOrEqual(headRegion(keep)[0]);
    expect(r![3]).toBeGreaterThan(headRegion(armsUp)[3]);
  });

  it('blurs everyone when there is no matched person in the frame, and clips to the frame', () => {
    const regions = redactionRegions(
      { persons: [[-20, -10, 60, 200]], faces: [[1270, 700, 1300, 740]], keep: null },
      1280,
      720,
    );
    expect(regions).toHaveLength(2);
    for (const r of regions) {
      expect(r[0]).toBeGreaterThanOrEqual(0);
      expect(r[1]).toBeGreaterThanOrEqual(0);
      expect(r[2]).toBeLessThanOrEqual(1280);
      expect(r[3]).toBeLessThanOrEqual(720);
    }
  });
});

describe('pixelate', () => {
  it('replaces detail inside the box with block means and leaves the rest untouched', () => {
    const w = 64;
    const h = 32;
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) % 256; // high-frequency pattern
    const before = rgb.slice();
    pixelate(rgb, w, [0, 0, 32, 32]);
    // Inside: each 8x8 block is flat.
    const px = (x: number, y: number) => Array.from(rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
    expect(px(0, 0)).toEqual(px(7, 7));
    expect(px(8, 8)).toEqual(px(15, 15));
    // Outside: unchanged.
    for (let y = 0; y < h; y++)
      for (let x = 32; x < w; x++)
        expect(px(x, y)).toEqual(Array.from(before.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)));
  });
});

describe('matchedTrackId', () => {
  it('picks the track overlapping the match box most, and none below a third', () => {
    const tracks = [
      { id: 't1', box: [0, 0, 100, 200] as Box },
      { id: 't2', box: [90, 0, 190, 200] as Box },
    ];
    expect(matchedTrackId(tracks, [95, 0, 195, 200])).toBe('t2');
    expect(matchedTrackId(tracks, [500, 0, 600, 200])).toBeNull();
    expect(matchedTrackId(tracks, null)).toBeNull();
  });
});
