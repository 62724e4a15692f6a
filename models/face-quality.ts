import { applyAffine, type Affine } from '../pipeline/face-alignment.js';
import type { DecodedImage } from './image.js';
import { sampleToTensor } from './families/input-tensor.js';

const SHARP_SIZE = 64;
/** Face width (px) from which size no longer limits quality: face-api's descriptor crop is 150 px. */
const FULL_QUALITY_WIDTH = 100;
/** Laplacian variance (0-255 grey, 64 px crop) at which sharpness counts half. */
const SHARPNESS_HALF = 60;

/** Variance of the 4-neighbour Laplacian of the aligned crop in grey: low for blur. */
export function sharpness(img: DecodedImage, crop: Affine, cropSize: number): number {
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

/**
 * Identification quality in [0, 1]: the product of a size term (face width up to
 * FULL_QUALITY_WIDTH), the detector score and a sharpness term; identify workers
 * weight a face's vote by it.
 */
export function faceQuality(img: DecodedImage, crop: Affine, cropSize: number, detectorScore: number): number {
  const a = applyAffine(crop, [0, 0]),
    b = applyAffine(crop, [cropSize, 0]);
  const width = Math.hypot(b[0] - a[0], b[1] - a[1]) * 0.45; // the crop is ~2.2x the face
  const size = Math.min(1, width / FULL_QUALITY_WIDTH);
  const s = sharpness(img, crop, cropSize);
  const sharp = s / (s + SHARPNESS_HALF);
  return Math.max(0, Math.min(1, size * Math.min(1, Math.max(0, detectorScore)) * sharp));
}
