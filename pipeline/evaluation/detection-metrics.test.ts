import { describe, expect, it } from 'vitest';
import { identitySwitches, matchImage, scoreDetections } from './detection-metrics.js';

describe('scoreDetections', () => {
  const truth = [
    { box: [0, 0, 20, 50] as [number, number, number, number] }, // 50 px tall: <64
    { box: [100, 0, 140, 100] as [number, number, number, number] }, // 64-128
    { box: [200, 0, 260, 200] as [number, number, number, number] }, // >128
    { box: [300, 0, 310, 20] as [number, number, number, number], ignore: true },
  ];

  it('counts recall, precision at the operating score and AP50 per height bucket', () => {
    const dets = [
      { box: [201, 2, 259, 198] as [number, number, number, number], score: 0.9 },
      { box: [101, 1, 139, 99] as [number, number, number, number], score: 0.8 },
      { box: [500, 0, 540, 90] as [number, number, number, number], score: 0.7 }, // false, 90 px
      { box: [1, 0, 21, 50] as [number, number, number, number], score: 0.2 }, // below the operating score
      { box: [300, 0, 310, 20] as [number, number, number, number], score: 0.9 }, // an ignored person: not scored
    ];
    const s = scoreDetections([{ truth, dets }], { minScore: 0.35 });
    expect(s.all).toMatchObject({ truth: 3, found: 2, falsePositives: 1 });
    expect(s.all!.recall).toBeCloseTo(2 / 3);
    expect(s.all!.precision).toBeCloseTo(2 / 3);
    // ranked: tp, tp, fp, tp -> precision 1 up to recall 2/3, then 3/4 at recall 1
    expect(s.all!.ap50).toBeCloseTo((2 / 3) * 1 + (1 / 3) * 0.75);
    expect(s['<64']).toMatchObject({ truth: 1, found: 0, falsePositives: 0, recall: 0 });
    expect(s['64-128']).toMatchObject({ truth: 1, found: 1, falsePositives: 1, precision: 0.5 });
    expect(s['>128']).toMatchObject({ truth: 1, found: 1, recall: 1, precision: 1, ap50: 1 });
  });

  it('matches each truth box once: a duplicate detection is a false positive', () => {
    const m = matchImage(truth, [
      { box: [200, 0, 260, 200], score: 0.9 },
      { box: [202, 0, 262, 200], score: 0.8 },
    ]);
    expect(m.map((x) => x.truth)).toEqual([2, -1]);
  });
});

describe('identitySwitches', () => {
  it('counts a person handed from one track to another, and the person-seconds in view', () => {
    const p = (id: string, x: number) => ({ id, box: [x, 0, x + 20, 60] as [number, number, number, number] });
    const r = identitySwitches([
      { t: 0, truth: [p('a', 0)], tracks: [p('t1', 0)] },
      { t: 1, truth: [p('a', 5)], tracks: [p('t1', 5)] },
      { t: 2, truth: [p('a', 10)], tracks: [p('t2', 10)] },
      { t: 3, truth: [p('a', 15)], tracks: [] },
      { t: 4, truth: [p('a', 20)], tracks: [p('t2', 20)] },
    ]);
    expect(r).toEqual({ switches: 1, truthSeconds: 4 });
  });
});
