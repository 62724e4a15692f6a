import { describe, expect, it } from 'vitest';
import {
  applyAffine,
  ARCFACE_TEMPLATE_112,
  arcfaceTransform,
  estimateSimilarity,
  faceCropTransform,
  fivePointsFrom68,
  invertAffine,
  type Affine,
} from './face-alignment.js';
import type { Point } from './geometry.js';

const rotateScale = (p: Point, angle: number, scale: number, t: Point): Point => [
  scale * (Math.cos(angle) * p[0] - Math.sin(angle) * p[1]) + t[0],
  scale * (Math.sin(angle) * p[0] + Math.cos(angle) * p[1]) + t[1],
];

/** 68 points where only the eyes (36-47) and mouth (48-67) matter, at given centres. */
function landmarks(leftEye: Point, rightEye: Point, mouth: Point): Point[] {
  const pts: Point[] = Array.from({ length: 68 }, () => [0, 0] as Point);
  for (let i = 36; i < 42; i++) pts[i] = leftEye;
  for (let i = 42; i < 48; i++) pts[i] = rightEye;
  for (let i = 48; i < 68; i++) pts[i] = mouth;
  return pts;
}

describe('estimateSimilarity', () => {
  it('recovers a known rotation, scale and translation exactly', () => {
    const src: Point[] = [
      [0, 0],
      [10, 0],
      [0, 10],
      [7, 3],
    ];
    const dst = src.map((p) => rotateScale(p, 0.3, 2.5, [40, -7]));
    const m = estimateSimilarity(src, dst);
    src.forEach((p, i) => {
      const q = applyAffine(m, p);
      expect(q[0]).toBeCloseTo(dst[i]![0], 9);
      expect(q[1]).toBeCloseTo(dst[i]![1], 9);
    });
  });

  it('refuses coincident points and mismatched lists', () => {
    expect(() =>
      estimateSimilarity(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [2, 2],
        ],
      ),
    ).toThrow(/coincide/);
    expect(() => estimateSimilarity([[0, 0]], [[0, 0]])).toThrow(RangeError);
  });
});

describe('invertAffine', () => {
  it('undoes the map', () => {
    const m: Affine = [1.5, -0.4, 10, 0.3, 2, -5];
    const p = applyAffine(invertAffine(m), applyAffine(m, [3, 4]));
    expect(p[0]).toBeCloseTo(3, 10);
    expect(p[1]).toBeCloseTo(4, 10);
  });
});

describe('arcfaceTransform', () => {
  it('maps the template onto five points of a rotated, scaled face', () => {
    const five = ARCFACE_TEMPLATE_112.map((p) => rotateScale(p, -0.4, 3, [200, 100]));
    const m = arcfaceTransform(five);
    ARCFACE_TEMPLATE_112.forEach((t, i) => {
      const q = applyAffine(m, t);
      expect(q[0]).toBeCloseTo(five[i]![0], 6);
      expect(q[1]).toBeCloseTo(five[i]![1], 6);
    });
  });
});

describe('faceCropTransform', () => {
  const size = 150;

  it('dlib mode frames the eye/mouth centroid at (0.5, 0.43) with side = eye-mouth distance / 0.45, upright', () => {
    const l = landmarks([100, 100], [140, 100], [120, 145]);
    const m = faceCropTransform(l, size, 'dlib');
    const centroid: Point = [120, 115];
    const eyeMouth = Math.hypot(20, 45);
    const side = eyeMouth / 0.45;
    const origin = applyAffine(m, [0, 0]);
    expect(origin[0]).toBeCloseTo(centroid[0] - 0.5 * side, 6);
    expect(origin[1]).toBeCloseTo(centroid[1] - 0.43 * side, 6);
    expect(Math.abs(m[1])).toBe(0);
    expect(m[0]).toBeCloseTo(side / size, 9);
  });

  it('similarity mode levels tilted eyes: both eyes land on the same crop row', () => {
    const angle = 0.35;
    const c: Point = [300, 200];
    const rot = (p: Point): Point => rotateScale([p[0] - c[0], p[1] - c[1]], angle, 1, c);
    const l = landmarks(rot([280, 190]), rot([320, 190]), rot([300, 235]));
    const inv = invertAffine(faceCropTransform(l, size, 'similarity'));
    const le = applyAffine(inv, l[36]!),
      re = applyAffine(inv, l[42]!);
    expect(le[1]).toBeCloseTo(re[1], 6);
    expect(re[0]).toBeGreaterThan(le[0]);
    // and it matches the upright face's dlib crop
    const upright = invertAffine(faceCropTransform(landmarks([280, 190], [320, 190], [300, 235]), size, 'dlib'));
    const ue = applyAffine(upright, [280, 190]);
    expect(le[0]).toBeCloseTo(ue[0], 6);
    expect(le[1]).toBeCloseTo(ue[1], 6);
  });

  it('refuses a landmark list that is not 68 points', () => {
    expect(() => faceCropTransform([[0, 0]], size, 'dlib')).toThrow(/68 landmarks/);
  });
});

describe('fivePointsFrom68', () => {
  it('takes eye centres, nose tip and mouth corners', () => {
    const l: Point[] = Array.from({ length: 68 }, (_, i) => [i, 2 * i] as Point);
    const five = fivePointsFrom68(l);
    expect(five[0]).toEqual([38.5, 77]);
    expect(five[1]).toEqual([44.5, 89]);
    expect(five[2]).toEqual([30, 60]);
    expect(five[3]).toEqual([48, 96]);
    expect(five[4]).toEqual([54, 108]);
  });
});
