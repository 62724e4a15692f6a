import { describe, expect, it } from 'vitest';
import { DescriptorMismatchError, euclidean, Gallery, l2normalize } from './face-match.js';

/** Deterministic pseudo-random unit vectors (mulberry32). */
function vectors(count: number, dim: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: count }, () => l2normalize(Array.from({ length: dim }, rand)));
}

describe('Gallery', () => {
  const [a1, a2, b1, c1, query] = vectors(5, 16, 7);

  it('returns the identity of the closest descriptor, with several descriptors per identity', () => {
    const g = new Gallery([
      { id: 'a', name: 'Alice', descriptors: [a1!, a2!] },
      { id: 'b', name: 'Bob', descriptors: [b1!] },
    ]);
    expect(g.size).toBe(2);
    expect(g.descriptorCount).toBe(3);
    const m = g.match(a2!);
    expect(m).toEqual({ id: 'a', name: 'Alice', distance: 0 });
    // brute-force reference for an arbitrary query
    const dists = [
      ['a', Math.min(euclidean(query!, a1!), euclidean(query!, a2!))],
      ['b', euclidean(query!, b1!)],
    ] as const;
    const best = [...dists].sort((x, y) => x[1] - y[1])[0]!;
    const got = g.match(query!)!;
    expect(got.id).toBe(best[0]);
    expect(got.distance).toBeCloseTo(best[1], 5);
  });

  it('applies the threshold (per call or per gallery) and returns null above it', () => {
    const g = new Gallery([{ id: 'b', name: 'Bob', descriptors: [b1!] }], { threshold: 0.01 });
    expect(g.match(c1!)).toBeNull();
    expect(g.match(c1!, { threshold: 3 })?.id).toBe('b');
    expect(g.match(b1!)?.id).toBe('b');
  });

  it('only considers allowed identities', () => {
    const g = new Gallery([
      { id: 'a', name: 'Alice', descriptors: [a1!] },
      { id: 'b', name: 'Bob', descriptors: [b1!] },
    ]);
    expect(g.match(a1!, { allowedIds: new Set(['b']) })?.id).toBe('b');
    expect(g.match(a1!, { allowedIds: new Set() })).toBeNull();
  });

  it('is empty-safe and refuses descriptors of another length', () => {
    expect(new Gallery([]).match(a1!)).toBeNull();
    expect(() => new Gallery([{ id: 'x', name: 'X', descriptors: [a1!, new Float32Array(8)] }])).toThrow(
      DescriptorMismatchError,
    );
    expect(() => new Gallery([{ id: 'x', name: 'X', descriptors: [a1!] }]).match(new Float32Array(8))).toThrow(
      DescriptorMismatchError,
    );
  });

  it('agrees with brute force over a larger gallery', () => {
    const all = vectors(2000, 32, 99);
    const g = new Gallery(
      all.slice(0, 1000).map((d, i) => ({ id: `p${i}`, name: `P${i}`, descriptors: [d, all[1000 + i]!] })),
    );
    for (const q of vectors(20, 32, 5)) {
      let best = -1,
        bestD = Infinity;
      all.forEach((d, r) => {
        const dist = euclidean(q, d);
        if (dist < bestD) [best, bestD] = [r % 1000, dist];
      });
      const m = g.match(q)!;
      expect(m.id).toBe(`p${best}`);
      expect(m.distance).toBeCloseTo(bestD, 5);
    }
  });
});

describe('l2normalize', () => {
  it('makes unit vectors and leaves zero vectors zero', () => {
    const v = l2normalize([3, 4]);
    expect(Array.from(v)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(l2normalize([0, 0]))).toEqual([0, 0]);
  });
});
