import { describe, expect, it } from 'vitest';
import type { Box } from './geometry.js';
import { kalmanBox, kalmanInit, kalmanPredict, kalmanUpdate } from './kalman.js';
import { linearAssignment } from './linear-assignment.js';
import { iou } from './nms.js';
import {
  finishTracker,
  hasLiveTracks,
  newTrackerState,
  updateTracker,
  type Detection,
  type TrackerState,
  type TrackerStep,
} from './tracker.js';

/** A person box of 60x160 px whose left edge is at `x`. */
const person = (x: number, y = 100): Box => [x, y, x + 60, y + 160];
const FPS = 5;
const frameAt = (i: number) => ({ seq: i, ts: 1_000_000 + (i * 1000) / FPS });

/** Runs frames through the tracker, optionally serialising the state between frames (as Redis does). */
function run(frames: Detection[][], viaJson = false): { steps: TrackerStep[]; state: TrackerState } {
  let state = newTrackerState();
  const steps: TrackerStep[] = [];
  frames.forEach((dets, i) => {
    const step = updateTracker(state, dets, frameAt(i));
    steps.push(step);
    state = viaJson ? JSON.parse(JSON.stringify(step.state)) : step.state;
  });
  return { steps, state };
}

describe('linearAssignment', () => {
  it('finds the optimal assignment where greedy would not', () => {
    // Greedy takes (0,0)=1 first and is then forced into (1,1)=10: total 11. Optimal: 2+3 = 5.
    const cost = [
      [1, 2],
      [3, 10],
    ];
    expect(linearAssignment(cost, 100)).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('handles rectangular matrices both ways and drops pairs above maxCost', () => {
    expect(linearAssignment([[0.9, 0.1, 0.5]], 1)).toEqual([[0, 1]]);
    expect(linearAssignment([[0.9], [0.1], [0.5]], 1)).toEqual([[1, 0]]);
    expect(linearAssignment([[0.9, 0.95]], 0.8)).toEqual([]);
    expect(linearAssignment([], 1)).toEqual([]);
  });
});

describe('kalman', () => {
  it('learns a constant velocity and predicts ahead', () => {
    let kf = kalmanInit(person(0));
    for (let i = 1; i <= 10; i++) kf = kalmanUpdate(kalmanPredict(kf, 0.2), person(i * 20));
    const predicted = kalmanBox(kalmanPredict(kf, 0.4));
    // 100 px/s: two steps ahead of x=200 is x=240.
    expect(predicted[0]).toBeGreaterThan(235);
    expect(predicted[0]).toBeLessThan(245);
    expect(predicted[3] - predicted[1]).toBeCloseTo(160, 0);
  });
});

describe('updateTracker', () => {
  it('confirms a track only after minHits and ignores a one-frame blip', () => {
    const { steps } = run([[{ box: person(0), score: 0.9 }], [{ box: person(10), score: 0.9 }], [], [], []]);
    expect(steps[0]!.active).toEqual([]);
    expect(steps[1]!.active.map((t) => [t.id, t.born])).toEqual([['t1', true]]);

    const blip = run([[{ box: person(0), score: 0.9 }], [], []]);
    expect(blip.steps.flatMap((s) => s.active)).toEqual([]);
    expect(hasLiveTracks(blip.state)).toBe(false);
  });

  it('keeps identities of two people crossing each other', () => {
    const frames: Detection[][] = [];
    for (let i = 0; i < 30; i++) {
      // A walks right, B walks left; they overlap around frame 15 (B slightly lower, as if nearer the camera).
      frames.push([
        { box: person(i * 20), score: 0.9 },
        { box: person(600 - i * 20, 110), score: 0.85 },
      ]);
    }
    const { steps } = run(frames);
    const idOf = (step: TrackerStep, x: (i: number) => number, y: number, i: number) =>
      step.active.find((t) => Math.abs(t.box[0] - x(i)) < 1 && t.box[1] === y)?.id;
    const aIds = new Set(steps.slice(1).map((s, i) => idOf(s, (k) => k * 20, 100, i + 1)));
    const bIds = new Set(steps.slice(1).map((s, i) => idOf(s, (k) => 600 - k * 20, 110, i + 1)));
    expect(aIds.size).toBe(1);
    expect(bIds.size).toBe(1);
    expect([...aIds][0]).not.toBe([...bIds][0]);
  });

  it('bridges a short occlusion with the same id and ends the track after maxLostMs', () => {
    const frames: Detection[][] = [];
    for (let i = 0; i < 5; i++) frames.push([{ box: person(i * 10), score: 0.9 }]);
    for (let i = 5; i < 8; i++) frames.push([]); // 600 ms hidden
    for (let i = 8; i < 12; i++) frames.push([{ box: person(i * 10), score: 0.9 }]);
    for (let i = 12; i < 40; i++) frames.push([]); // gone for good
    const { steps, state } = run(frames);
    const ids = new Set(steps.flatMap((s) => s.active.map((t) => t.id)));
    expect([...ids]).toEqual(['t1']);
    const endedAt = steps.findIndex((s) => s.ended.length > 0);
    // Last seen at frame 11 (t = 2.2 s); ended at the first frame more than 3 s later.
    expect(endedAt).toBe(27);
    expect(steps[endedAt]!.ended[0]).toMatchObject({ id: 't1', firstSeq: 0, lastSeq: 11, hits: 9 });
    expect(hasLiveTracks(state)).toBe(false);
  });

  it('extends a track with a low-score detection but never starts one from it', () => {
    const frames: Detection[][] = [
      [{ box: person(0), score: 0.9 }],
      [{ box: person(10), score: 0.9 }],
      [{ box: person(20), score: 0.2 }], // partly hidden
      [{ box: person(30), score: 0.9 }],
    ];
    const { steps } = run(frames);
    expect(steps[2]!.active.map((t) => t.id)).toEqual(['t1']);
    expect(steps[3]!.active.map((t) => t.id)).toEqual(['t1']);

    const lowOnly = run([0, 1, 2, 3].map((i) => [{ box: person(i * 10), score: 0.2 }]));
    expect(lowOnly.steps.flatMap((s) => s.active)).toEqual([]);
  });

  it('gives the same result when its state goes through JSON between frames', () => {
    const frames: Detection[][] = [];
    for (let i = 0; i < 25; i++) {
      const dets: Detection[] = [{ box: person(i * 15), score: 0.8 + (i % 3) * 0.05 }];
      if (i % 4 !== 0) dets.push({ box: person(500 - i * 12, 90), score: i % 5 === 0 ? 0.2 : 0.7 });
      frames.push(dets);
    }
    const direct = run(frames);
    const viaJson = run(frames, true);
    expect(viaJson.steps.map((s) => [s.active, s.ended])).toEqual(direct.steps.map((s) => [s.active, s.ended]));
    expect(direct.steps.some((s) => s.active.length === 2)).toBe(true);
  });

  it('does not hand a lost track to somebody who looks different stepping into its place, but takes its own person back', () => {
    // Colour histograms: all red clothes, all blue clothes.
    const red = Array.from({ length: 64 }, (_, i) => (i === 48 ? 1 : 0));
    const blue = Array.from({ length: 64 }, (_, i) => (i === 3 ? 1 : 0));
    const walk = (look: number[]) =>
      [0, 1, 2, 3, 4].map((i) => [{ box: person(100 + i * 10), score: 0.9, appearance: look }]);
    // Person in red walks, is missed for two frames, then somebody appears where the track predicts it.
    const gap: Detection[][] = [[], []];
    const next = (look: number[]) =>
      [7, 8, 9].map((i) => [{ box: person(100 + i * 10), score: 0.9, appearance: look }]);

    const stranger = run([...walk(red), ...gap, ...next(blue)]);
    const ids = stranger.steps.slice(7).flatMap((s) => s.active.map((t) => t.id));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('t1');

    const same = run([...walk(red), ...gap, ...next(red)], true);
    expect(same.steps.slice(7).flatMap((s) => s.active.map((t) => t.id))).toEqual(['t1', 't1', 't1']);
    // Without appearances (a caller that has none), IoU alone decides, as before.
    const blind = run([...walk(red), ...gap, ...next(blue)].map((f) => f.map(({ box, score }) => ({ box, score }))));
    expect(blind.steps.slice(7).flatMap((s) => s.active.map((t) => t.id))).toEqual(['t1', 't1', 't1']);
  });

  it('finishTracker closes confirmed and lost tracks but not tentative ones', () => {
    const { state } = run([
      [{ box: person(0), score: 0.9 }],
      [
        { box: person(10), score: 0.9 },
        { box: person(400), score: 0.9 },
      ],
    ]);
    expect(finishTracker(state).map((t) => t.id)).toEqual(['t1']);
  });

  it('iou of identical, disjoint and half-overlapping boxes', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
  });
});
