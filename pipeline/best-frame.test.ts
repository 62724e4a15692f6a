import { describe, expect, it } from 'vitest';
import {
  BEST_FRAME_DEFAULTS,
  greyRegion,
  headRegion,
  laplacianVariance,
  newSelectionState,
  selectFrame,
  type FrameCandidate,
  type SelectionState,
} from './best-frame.js';

/** An RGB image with a checkerboard of `cell`-px squares (sharp edges) or a flat grey. */
function image(width: number, height: number, cell: number | null) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = cell === null ? 128 : (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? 220 : 30;
      data.set([v, v, v], (y * width + x) * 3);
    }
  return { data, width, height };
}

/** Box-blurs a grey image (3x3), `times` over. */
function blur(g: { data: Float32Array; width: number; height: number }, times: number) {
  let data = g.data;
  for (let t = 0; t < times; t++) {
    const out = data.slice();
    for (let y = 1; y < g.height - 1; y++)
      for (let x = 1; x < g.width - 1; x++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += data[(y + dy) * g.width + x + dx]!;
        out[y * g.width + x] = s / 9;
      }
    data = out;
  }
  return { ...g, data };
}

describe('headRegion', () => {
  it('is the top of a standing person and most of an upper body, clipped to the frame', () => {
    expect(headRegion([100, 50, 160, 250], { width: 640, height: 360 })).toEqual([100, 50, 160, 110]);
    expect(headRegion([100, 50, 300, 250], { width: 640, height: 360 })).toEqual([100, 50, 300, 250]);
    expect(headRegion([-10, -5, 50, 200], { width: 640, height: 360 })).toEqual([0, 0, 50, 56.5]); // 0.3 of the 205 px box height
  });
});

describe('laplacianVariance', () => {
  it('is zero on a flat image and falls as the image is blurred', () => {
    const flat = greyRegion(image(40, 40, null), [0, 0, 40, 40]);
    expect(laplacianVariance(flat)).toBe(0);
    const sharp = greyRegion(image(40, 40, 4), [0, 0, 40, 40]);
    const v0 = laplacianVariance(sharp);
    const v1 = laplacianVariance(blur(sharp, 1));
    const v3 = laplacianVariance(blur(sharp, 3));
    expect(v0).toBeGreaterThan(v1);
    expect(v1).toBeGreaterThan(v3);
    expect(v3).toBeGreaterThan(0);
  });

  it('greyRegion crops the requested part', () => {
    const g = greyRegion(image(20, 10, 5), [5, 0, 15, 5]);
    expect([g.width, g.height]).toEqual([10, 5]);
    expect(g.data[0]).toBeCloseTo(220, 3); // x=5: second cell
  });
});

describe('selectFrame', () => {
  const cand = (i: number, headPx: number, sharpness = 100): FrameCandidate => ({
    seq: i,
    ts: i * 200,
    frameKey: `f${i}`,
    personBox: [0, 0, headPx, headPx * 3],
    headPx,
    sharpness,
  });

  function feed(cands: FrameCandidate[]) {
    let state: SelectionState = newSelectionState();
    const sent: number[] = [];
    const reasons: string[] = [];
    for (const c of cands) {
      const r = selectFrame(state, c);
      state = r.state;
      reasons.push(r.reason);
      if (r.send) sent.push(c.seq);
    }
    return { state, sent, reasons };
  }

  it('sends the first good frames at once, then only better ones', () => {
    const { sent, reasons } = feed([
      cand(0, 20),
      cand(1, 60),
      cand(2, 60),
      cand(3, 62),
      cand(4, 63),
      cand(5, 90),
      cand(6, 91),
    ]);
    expect(reasons[0]).toBe('too_small');
    expect(sent).toEqual([1, 2, 3, 5]);
    expect(reasons[4]).toBe('not_better');
    expect(reasons[5]).toBe('better');
  });

  it('skips blurred frames, refreshes after a while and stops at the cap', () => {
    expect(feed([cand(0, 80, 1)]).reasons).toEqual(['too_blurred']);
    // Same quality throughout: 3 quick frames, then one per refreshMs (10 frames at 5 fps).
    const steady = feed(Array.from({ length: 40 }, (_, i) => cand(i, 80)));
    expect(steady.sent).toEqual([0, 1, 2, 12, 22, 32]);
    const growing = feed(Array.from({ length: 60 }, (_, i) => cand(i, 40 * 1.3 ** i)));
    expect(growing.sent.length).toBe(BEST_FRAME_DEFAULTS.maxPerTrack);
    expect(growing.reasons.at(-1)).toBe('cap_reached');
  });

  it('remembers the best frame seen, sent or not', () => {
    const { state } = feed([cand(0, 60), cand(1, 200, 1), cand(2, 70)]);
    // Frame 1 is large but blurred: quality weighs sharpness, so frame 2 wins over it.
    expect(state.best?.seq).toBe(2);
  });
});
