import { describe, expect, it } from 'vitest';
import { bestTwo, cohortNearestMean, cohortScores, identityCohortMeans } from './cohort-score.js';
import { Gallery } from './face-match.js';

const at = (x: number, y = 0) => [x, y];

describe('cohortNearestMean', () => {
  const cohort = [at(1), at(2), at(4), at(10)];
  it('averages the k nearest cohort faces', () => {
    expect(cohortNearestMean(at(0), cohort, 2)).toBeCloseTo(1.5);
    expect(cohortNearestMean(at(0), cohort, 1)).toBeCloseTo(1);
  });
  it('takes every face when k exceeds the cohort', () => {
    expect(cohortNearestMean(at(0), cohort, 10)).toBeCloseTo(17 / 4);
  });
  it('refuses an empty cohort', () => {
    expect(() => cohortNearestMean(at(0), [], 3)).toThrow(RangeError);
  });
});

describe('identityCohortMeans', () => {
  it("measures each cohort face against the identity's closest template", () => {
    const means = identityCohortMeans(
      [
        { id: 'hub', descriptors: [at(0)] },
        { id: 'two-photos', descriptors: [at(20), at(3)] },
        { id: 'none', descriptors: [] },
      ],
      [at(1), at(2), at(19)],
      2,
    );
    expect(means.get('hub')).toBeCloseTo(1.5);
    // (19 is 1 from the template at 20, 2 is 1 from the template at 3)
    expect(means.get('two-photos')).toBeCloseTo(1);
    expect(means.has('none')).toBe(false);
  });
});

describe('cohortScores', () => {
  const distances = [
    { id: 'hub', name: 'Hub', distance: 0.38 },
    { id: 'loner', name: 'Loner', distance: 0.4 },
  ];
  const identityMeans = new Map([
    ['hub', 0.4],
    ['loner', 0.6],
  ]);

  it('Z: an identity near many cohort faces has its distances stretched, a loner shrunk', () => {
    const s = cohortScores(distances, { norm: 'z', identityMeans, reference: 0.5 });
    expect(s.map((m) => m.id)).toEqual(['hub', 'loner']);
    expect(s[0]!.distance).toBeCloseTo(0.475);
    expect(s[1]!.distance).toBeCloseTo(0.3333);
    expect(bestTwo(s)!.best.id).toBe('loner');
  });

  it('T: a probe near many cohort faces has every distance stretched alike (ranking kept)', () => {
    const s = cohortScores(distances, { norm: 't', probeMean: 0.25, reference: 0.5 });
    expect(s.map((m) => m.distance)).toEqual([0.76, 0.8]);
    expect(bestTwo(s)).toEqual({ best: { id: 'hub', name: 'Hub', distance: 0.76 }, secondDistance: 0.8 });
  });

  it('ZT applies both ratios', () => {
    const s = cohortScores(distances, { norm: 'zt', identityMeans, probeMean: 1, reference: 0.5 });
    expect(s[0]!.distance).toBeCloseTo(0.38 * (0.5 / 0.4) * 0.5);
  });

  it('refuses to score without the means it needs', () => {
    expect(() => cohortScores(distances, { norm: 't', reference: 0.5 })).toThrow(RangeError);
    expect(() => cohortScores(distances, { norm: 'z', identityMeans: new Map(), reference: 0.5 })).toThrow(/hub/);
  });

  it('starts from Gallery.identityDistances, in gallery order', () => {
    const g = new Gallery([
      { id: 'a', name: 'A', descriptors: [at(0), at(5)] },
      { id: 'b', name: 'B', descriptors: [at(1)] },
    ]);
    const d = g.identityDistances(at(4));
    expect(d).toEqual([
      { id: 'a', name: 'A', distance: 1 },
      { id: 'b', name: 'B', distance: 3 },
    ]);
    expect(g.identityDistances(at(4), { allowedIds: new Set(['b']) }).map((m) => m.id)).toEqual(['b']);
    expect(bestTwo(d)).toEqual(g.nearestTwo(at(4)));
    expect(bestTwo([])).toBeNull();
  });
});
