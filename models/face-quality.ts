import { type Affine } from '../pipeline/face-alignment.js';
import { type FaceMeasures, headPose, landmarkError } from '../pipeline/face-quality-rule.js';
import type { Point } from '../pipeline/geometry.js';
import type { FaceDetection } from './families/types.js';
import { sampleToTensor } from './families/input-tensor.js';
import type { DecodedImage } from './image.js';

const SHARP_SIZE = 64;

/** The aligned crop resampled to 64x64 grey (BT.601 luma, 0-255). */
function greyCrop(img: DecodedImage, crop: Affine, cropSize: number): Float32Array {
  const k = cropSize / SHARP_SIZE;
  const m: Affine = [crop[0] * k, crop[1] * k, crop[2], crop[3] * k, crop[4] * k, crop[5]];
  const rgb = sampleToTensor(img, m, {
    width: SHARP_SIZE,
    height: SHARP_SIZE,
    layout: 'nhwc',
    order: 'rgb',
    mean: [0, 0, 0],
    std: [1, 1, 1],
    fill: 0,
  });
  const g = new Float32Array(SHARP_SIZE * SHARP_SIZE);
  for (let i = 0; i < g.length; i++) g[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  return g;
}

/** Variance of the 4-neighbour Laplacian of a 64x64 grey crop: low for blur. */
function laplacianVariance(g: Float32Array): number {
  let sum = 0,
    sq = 0,
    n = 0;
  for (let y = 1; y < SHARP_SIZE - 1; y++) {
    for (let x = 1; x < SHARP_SIZE - 1; x++) {
      const i = y * SHARP_SIZE + x;
      const lap = g[i - 1]! + g[i + 1]! + g[i - SHARP_SIZE]! + g[i + SHARP_SIZE]! - 4 * g[i]!;
      sum += lap;
      sq += lap * lap;
      n++;
    }
  }
  return sq / n - (sum / n) ** 2;
}

/** Sharpness of the aligned crop (Laplacian variance at 64 px). */
export function sharpness(img: DecodedImage, crop: Affine, cropSize: number): number {
  return laplacianVariance(greyCrop(img, crop, cropSize));
}

/** Mean and standard deviation of the central half of the crop (the face, not its background). */
function exposure(g: Float32Array): { brightness: number; contrast: number } {
  let sum = 0,
    sq = 0,
    n = 0;
  for (let y = SHARP_SIZE / 4; y < (SHARP_SIZE * 3) / 4; y++) {
    for (let x = SHARP_SIZE / 4; x < (SHARP_SIZE * 3) / 4; x++) {
      const v = g[y * SHARP_SIZE + x]!;
      sum += v;
      sq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return { brightness: mean, contrast: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Everything identification quality is judged on (pipeline/face-quality-rule.ts): size,
 * detector score, agreement of the detector's keypoints with the 68 landmarks, sharpness,
 * head pose and exposure. Without landmarks (five-point chains) pose and agreement read as
 * frontal and perfect.
 */
export function measureFace(
  img: DecodedImage,
  crop: Affine,
  cropSize: number,
  face: FaceDetection,
  landmarks?: Point[],
): FaceMeasures {
  const g = greyCrop(img, crop, cropSize);
  const { brightness, contrast } = exposure(g);
  const pose = landmarks ? headPose(landmarks) : { yaw: 0, pitch: 0 };
  return {
    widthPx: r1(face.box[2] - face.box[0]),
    detectorScore: Math.round(face.score * 1e3) / 1e3,
    landmarkError: landmarks ? landmarkError(face.keypoints, landmarks) : 0,
    sharpness: r1(laplacianVariance(g)),
    yaw: pose.yaw,
    pitch: pose.pitch,
    brightness: r1(brightness),
    contrast: r1(contrast),
  };
}
