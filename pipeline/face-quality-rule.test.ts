import { describe, expect, it } from 'vitest';
import {
  describeProblem,
  type FaceMeasures,
  headPose,
  landmarkError,
  type QualityRule,
  qualityProblems,
  qualityScore,
} from './face-quality-rule.js';
import type { Point } from './geometry.js';

const rule: QualityRule = {
  minWidthPx: 80,
  minDetectorScore: 0.6,
  maxLandmarkError: 0.35,
  minSharpness: 100,
  maxYaw: 45,
  maxPitch: 30,
  minBrightness: 30,
  maxBrightness: 230,
  minContrast: 10,
};
const good: FaceMeasures = {
  widthPx: 150,
  detectorScore: 0.9,
  landmarkError: 0.1,
  sharpness: 1500,
  yaw: 5,
  pitch: -3,
  brightness: 140,
  contrast: 40,
};

/** 68 landmarks of a frontal face, eyes level, with the nose tip shifted sideways by `noseDx` (px). */
function face68(noseDx = 0, noseDy = 0): Point[] {
  const l: Point[] = Array.from({ length: 68 }, () => [100, 100] as Point);
  l[0] = [40, 100];
  l[16] = [160, 100];
  for (let i = 36; i < 42; i++) l[i] = [70, 90];
  for (let i = 42; i < 48; i++) l[i] = [130, 90];
  l[30] = [100 + noseDx, 90 + 0.6 * 60 + noseDy];
  l[48] = [80, 150];
  l[54] = [120, 150];
  l[62] = [100, 148];
  l[66] = [100, 152];
  return l;
}

describe('face quality rule', () => {
  it('holds a low-light face to its own contrast floor, and a day face to the usual one', () => {
    const flat = { ...good, contrast: 7 };
    expect(qualityProblems(flat, { ...rule, lowLightMinContrast: 5 })).toEqual(['badly_exposed']);
    expect(qualityProblems({ ...flat, lowLight: true }, { ...rule, lowLightMinContrast: 5 })).toEqual([]);
    expect(qualityProblems({ ...flat, contrast: 4, lowLight: true }, { ...rule, lowLightMinContrast: 5 })).toEqual([
      'badly_exposed',
    ]);
    // Enrolment has no low-light floor: a flat photo is refused whatever the light.
    expect(qualityProblems({ ...flat, lowLight: true }, rule)).toEqual(['badly_exposed']);
  });

  it('passes a good face and names every rule a poor one breaks', () => {
    expect(qualityProblems(good, rule)).toEqual([]);
    const poor = { ...good, widthPx: 38, sharpness: 20, yaw: 60, brightness: 10 };
    expect(qualityProblems(poor, rule)).toEqual(['too_small', 'too_blurred', 'turned', 'badly_exposed']);
    expect(qualityProblems({ ...good, landmarkError: 2.4, detectorScore: 0.5 }, rule)).toEqual([
      'low_confidence',
      'landmarks_disagree',
    ]);
  });

  it('explains problems in words a person understands', () => {
    expect(describeProblem('too_small', { ...good, widthPx: 38.4 }, rule)).toBe('face too small: 38 px, need 80');
    expect(describeProblem('too_blurred', { ...good, sharpness: 20 }, rule)).toMatch(/^too blurred/);
    expect(describeProblem('turned', { ...good, yaw: -60 }, rule)).toMatch(/^face turned too far: 60°/);
  });

  it('scores quality in [0, 1], lower for small, turned or blurred faces', () => {
    const q = qualityScore(good);
    expect(q).toBeGreaterThan(0.8);
    expect(q).toBeLessThanOrEqual(1);
    expect(qualityScore({ ...good, widthPx: 30 })).toBeLessThan(q / 2);
    expect(qualityScore({ ...good, yaw: 60 })).toBeLessThan(q);
    expect(qualityScore({ ...good, sharpness: 0 })).toBe(0);
  });

  it('reads head pose from 68 landmarks: frontal near 0, a nose off-centre is a turn', () => {
    expect(headPose(face68())).toEqual({ yaw: 0, pitch: 0 });
    expect(headPose(face68(30)).yaw).toBeGreaterThan(25);
    expect(headPose(face68(-30)).yaw).toBeLessThan(-25);
    expect(headPose(face68(0, 20)).pitch).toBeGreaterThan(15);
  });

  it('measures how far the detector keypoints sit from the landmarks, in eye distances', () => {
    const l = face68();
    const agree: Point[] = [
      [70, 90],
      [130, 90],
      [100, 126],
      [100, 150],
      [30, 100],
      [170, 100],
    ];
    expect(landmarkError(agree, l)).toBe(0);
    const off: Point[] = agree.map(([x, y]) => [x + 60, y] as Point);
    expect(landmarkError(off, l)).toBe(1);
  });
});
