/**
 * Whether a face is good enough to identify someone, from what the face chain measured
 * on it. Pure: the thresholds come from config (identify.quality, enrolment.gate) and
 * were chosen from bench/face-accuracy.ts (genuine and impostor distances against face
 * size, blur and compression on real photos).
 */
import type { Point } from './geometry.js';

/** What the face chain measures on one face (models/face-quality.ts). */
export interface FaceMeasures {
  /** Face detector box width, source pixels. */
  widthPx: number;
  detectorScore: number;
  /**
   * Where the detector's own keypoints (eyes, nose, mouth) fall against the landmark
   * model's, as a share of the eye distance: two models agreeing that this is a face.
   */
  landmarkError: number;
  /** Laplacian variance of the aligned crop resampled to 64 px (grey 0-255). */
  sharpness: number;
  /** Head turn left/right and up/down, degrees (0 = frontal), estimated from the 68 landmarks. */
  yaw: number;
  pitch: number;
  /** Mean and spread of the face crop's luma (0-255). */
  brightness: number;
  contrast: number;
  /** A face in a dark picture (models/low-light.ts), smoothed before it was described. */
  lowLight?: boolean;
}

export interface QualityRule {
  minWidthPx: number;
  minDetectorScore: number;
  maxLandmarkError: number;
  minSharpness: number;
  maxYaw: number;
  maxPitch: number;
  minBrightness: number;
  maxBrightness: number;
  minContrast: number;
  /** Luma spread a low-light face needs instead of minContrast (night faces are flat; bench:face-night). */
  lowLightMinContrast?: number;
}

/** Why enrolment refuses a photo (422 in the API, a line in `watchpost enroll`, the reason on the dashboard's photo). */
export const ENROLMENT_REFUSALS = [
  'no_face',
  'several_faces',
  'no_human_face',
  'face_too_small',
  'face_turned',
  'too_blurred',
  'badly_exposed',
] as const;
export type EnrolmentRefusalReason = (typeof ENROLMENT_REFUSALS)[number];

export type QualityProblem =
  | 'too_small'
  | 'low_confidence'
  | 'landmarks_disagree'
  | 'too_blurred'
  | 'turned'
  | 'badly_exposed';

/** Width from which size no longer limits identification (the chart's distances flatten there). */
export const FULL_QUALITY_WIDTH = 96;
/** Sharpness (64 px crop) at which the sharpness term is a half. */
const SHARPNESS_HALF = 60;

/** Every rule the face breaks, in the order a person would fix them. */
export function qualityProblems(m: FaceMeasures, rule: QualityRule): QualityProblem[] {
  const out: QualityProblem[] = [];
  if (m.widthPx < rule.minWidthPx) out.push('too_small');
  if (m.detectorScore < rule.minDetectorScore) out.push('low_confidence');
  if (m.landmarkError > rule.maxLandmarkError) out.push('landmarks_disagree');
  if (m.sharpness < rule.minSharpness) out.push('too_blurred');
  if (Math.abs(m.yaw) > rule.maxYaw || Math.abs(m.pitch) > rule.maxPitch) out.push('turned');
  const minContrast =
    m.lowLight && rule.lowLightMinContrast !== undefined ? rule.lowLightMinContrast : rule.minContrast;
  if (m.brightness < rule.minBrightness || m.brightness > rule.maxBrightness || m.contrast < minContrast)
    out.push('badly_exposed');
  return out;
}

/**
 * One number in [0, 1] for display and for ranking a track's frames: size, detector
 * score, sharpness and pose multiplied. Decisions use qualityProblems, not this.
 */
export function qualityScore(m: FaceMeasures): number {
  const size = Math.min(1, Math.max(0, m.widthPx / FULL_QUALITY_WIDTH));
  const sharp = m.sharpness / (m.sharpness + SHARPNESS_HALF);
  const pose = Math.max(0, Math.cos((Math.min(90, Math.abs(m.yaw)) * Math.PI) / 180));
  const tilt = Math.max(0, Math.cos((Math.min(90, Math.abs(m.pitch)) * Math.PI) / 180));
  const q = size * Math.min(1, Math.max(0, m.detectorScore)) * sharp * pose * tilt;
  return Math.round(q * 1e4) / 1e4;
}

/** A sentence a person understands, e.g. "face too small: 38 px, need 80". */
export function describeProblem(p: QualityProblem, m: FaceMeasures, rule: QualityRule): string {
  switch (p) {
    case 'too_small':
      return `face too small: ${Math.round(m.widthPx)} px, need ${rule.minWidthPx}`;
    case 'low_confidence':
      return `face unclear: the detector is ${Math.round(m.detectorScore * 100)}% sure, need ${Math.round(rule.minDetectorScore * 100)}%`;
    case 'landmarks_disagree':
      return 'no clear human face: eyes, nose and mouth could not be located consistently';
    case 'too_blurred':
      return `too blurred: sharpness ${Math.round(m.sharpness)}, need ${rule.minSharpness}`;
    case 'turned':
      return (
        `face turned too far: ${Math.round(Math.abs(m.yaw))}° sideways, ${Math.round(Math.abs(m.pitch))}° up or down ` +
        `(at most ${rule.maxYaw}° and ${rule.maxPitch}°)`
      );
    case 'badly_exposed':
      return `too dark or too bright: brightness ${Math.round(m.brightness)}, contrast ${Math.round(m.contrast)}`;
  }
}

const mean = (pts: readonly Point[]): Point => [
  pts.reduce((s, p) => s + p[0], 0) / pts.length,
  pts.reduce((s, p) => s + p[1], 0) / pts.length,
];

/**
 * Yaw and pitch in degrees from face-api's 68 landmarks, in the frame of the eye line
 * (so a tilted head is not taken for a turned one). Yaw: where the nose tip sits
 * between the jaw's ends (0.5 frontal); pitch: where it sits between the eye line and
 * the mouth, against FRONTAL_NOSE_RATIO measured on frontal photos.
 */
export function headPose(l: readonly Point[]): { yaw: number; pitch: number } {
  const le = mean(l.slice(36, 42));
  const re = mean(l.slice(42, 48));
  const angle = Math.atan2(re[1] - le[1], re[0] - le[0]);
  const c = Math.cos(-angle);
  const s = Math.sin(-angle);
  const rot = (p: Point): Point => [p[0] * c - p[1] * s, p[0] * s + p[1] * c];
  const jawL = rot(l[0]!);
  const jawR = rot(l[16]!);
  const nose = rot(l[30]!);
  const eyes = rot(mean([le, re]));
  const mouth = rot(mean([l[48]!, l[54]!]));
  const span = jawR[0] - jawL[0];
  const r = span > 0 ? (nose[0] - jawL[0]) / span : 0.5;
  const yaw = (Math.asin(Math.max(-1, Math.min(1, 2 * r - 1))) * 180) / Math.PI;
  const drop = mouth[1] - eyes[1];
  const v = drop > 0 ? (nose[1] - eyes[1]) / drop : FRONTAL_NOSE_RATIO;
  const pitch = (Math.asin(Math.max(-1, Math.min(1, (v - FRONTAL_NOSE_RATIO) / PITCH_SPAN))) * 180) / Math.PI;
  return { yaw: round1(yaw), pitch: round1(pitch) };
}
/** Nose tip's height between eye line and mouth on frontal faces (median of ../shared/data/faces). */
export const FRONTAL_NOSE_RATIO = 0.6;
/** Change of that ratio for a 90° nod (a geometric estimate: the nose sticks out about as far as the eye-mouth drop). */
const PITCH_SPAN = 0.8;
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The detector's keypoints against the landmark model's (eyes, nose tip, mouth centre),
 * mean distance as a share of the eye distance. Detectors give image-left eye first.
 */
export function landmarkError(keypoints: readonly Point[], l: readonly Point[]): number {
  if (keypoints.length < 4) return 0;
  const le = mean(l.slice(36, 42));
  const re = mean(l.slice(42, 48));
  const ours: Point[] = [le, re, l[30]!, mean([l[62]!, l[66]!])];
  const eyeDist = Math.hypot(re[0] - le[0], re[1] - le[1]);
  if (eyeDist <= 0) return Number.POSITIVE_INFINITY;
  // Five-point detectors give the mouth's corners; BlazeFace its centre (then the ears).
  const theirs: Point[] = [
    keypoints[0]!,
    keypoints[1]!,
    keypoints[2]!,
    keypoints.length === 5 ? mean([keypoints[3]!, keypoints[4]!]) : keypoints[3]!,
  ];
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += Math.hypot(theirs[i]![0] - ours[i]![0], theirs[i]![1] - ours[i]![1]);
  return Math.round((sum / 4 / eyeDist) * 1e3) / 1e3;
}
