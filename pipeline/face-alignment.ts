import type { Box, Point } from './geometry.js';

/**
 * 2-D affine map [a, b, c, d, e, f]: (x, y) -> (a·x + b·y + c, d·x + e·y + f).
 * Crops are described by the map from crop pixels to source pixels, so a sampler
 * can read the source for every crop pixel.
 */
export type Affine = [number, number, number, number, number, number];

export function applyAffine(m: Affine, p: Point): Point {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (Math.abs(det) < 1e-12) throw new RangeError('affine map is not invertible');
  const a = m[4] / det,
    b = -m[1] / det,
    d = -m[3] / det,
    e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no
 * reflection) taking `src` points onto `dst` points (Umeyama 1991, in 2-D).
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  if (src.length !== dst.length || src.length < 2) throw new RangeError('need at least two point pairs of equal count');
  const n = src.length;
  let sx = 0,
    sy = 0,
    dx = 0,
    dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]![0];
    sy += src[i]![1];
    dx += dst[i]![0];
    dy += dst[i]![1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let dot = 0,
    cross = 0,
    norm = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]![0] - sx,
      py = src[i]![1] - sy;
    const qx = dst[i]![0] - dx,
      qy = dst[i]![1] - dy;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm < 1e-12) throw new RangeError('source points coincide');
  const c = dot / norm,
    s = cross / norm;
  return [c, -s, dx - (c * sx - s * sy), s, c, dy - (s * sx + c * sy)];
}

/** insightface's ArcFace template: eyes, nose tip, mouth corners in a 112x112 crop (image left first). */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** Crop (size x size) -> source map that puts five landmarks on the ArcFace template. */
export function arcfaceTransform(fivePoints: readonly Point[], size = 112): Affine {
  const template = ARCFACE_TEMPLATE_112.map(([x, y]) => [(x * size) / 112, (y * size) / 112] as Point);
  return estimateSimilarity(template, fivePoints);
}

const mean = (pts: readonly Point[]): Point => [
  pts.reduce((s, p) => s + p[0], 0) / pts.length,
  pts.reduce((s, p) => s + p[1], 0) / pts.length,
];

/** Eye centres, nose tip and mouth corners from the 68-point (iBUG/dlib) layout, in ArcFace order. */
export function fivePointsFrom68(l: readonly Point[]): Point[] {
  if (l.length !== 68) throw new RangeError(`expected 68 landmarks, got ${l.length}`);
  return [mean(l.slice(36, 42)), mean(l.slice(42, 48)), l[30]!, l[48]!, l[54]!];
}

// face-api's alignment constants: the eye/mouth centroid sits at (0.5, 0.43) of the
// crop, and the mean eye-to-mouth distance is 0.45 of its side.
const REL_X = 0.5;
const REL_Y = 0.43;
const REL_SCALE = 0.45;

/** How a face crop is framed from its 68 landmarks. */
export type AlignmentMode = 'dlib' | 'similarity';

/**
 * Crop (size x size) -> source map from 68 landmarks.
 * - `dlib`: face-api's crop: an upright square around the eye and mouth centres.
 * - `similarity`: the same framing rotated so the eyes are level (rotation-correcting
 *   similarity transform about the same centre, same scale).
 */
export function faceCropTransform(landmarks68: readonly Point[], size: number, mode: AlignmentMode): Affine {
  if (landmarks68.length !== 68) throw new RangeError(`expected 68 landmarks, got ${landmarks68.length}`);
  const leftEye = mean(landmarks68.slice(36, 42));
  const rightEye = mean(landmarks68.slice(42, 48));
  const mouth = mean(landmarks68.slice(48, 68));
  const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const side = (dist(mouth, leftEye) + dist(mouth, rightEye)) / 2 / REL_SCALE;
  const centre = mean([leftEye, rightEye, mouth]);
  const angle = mode === 'similarity' ? Math.atan2(rightEye[1] - leftEye[1], rightEye[0] - leftEye[0]) : 0;
  const k = side / size;
  const c = Math.cos(angle) * k,
    s = Math.sin(angle) * k;
  // Crop pixel (u, v) relative to the anchor (REL_X·size, REL_Y·size), rotated and scaled into the source.
  const u0 = REL_X * size,
    v0 = REL_Y * size;
  return [c, -s, centre[0] - (c * u0 - s * v0), s, c, centre[1] - (s * u0 + c * v0)];
}

/** Axis-aligned bounds of a crop in source pixels (for drawing and size checks). */
export function cropBounds(m: Affine, size: number): Box {
  const corners = (
    [
      [0, 0],
      [size, 0],
      [0, size],
      [size, size],
    ] as Point[]
  ).map((p) => applyAffine(m, p));
  const xs = corners.map((p) => p[0]),
    ys = corners.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
