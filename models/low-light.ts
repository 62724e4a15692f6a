import type { Box } from '../pipeline/geometry.js';
import type { DecodedImage } from './image.js';

/**
 * Night faces: a camera in the dark runs at high gain, and its sensor noise, not the
 * darkness, is what pushes a face's descriptor away from the enrolled photos. Measured
 * on the night fixture (subject-a at 30% gain, noise sigma 6): a 5x5 mean filter on the
 * face before landmarks and embedding brought 18 of 59 face frames under the match
 * threshold instead of 5 (median distance 0.452 -> 0.428), while strangers stayed where
 * they were (0.57 at the closest); brightness or contrast normalisation did not help.
 * Only faces in a dark picture count: a dark-skinned face in daylight sits in a bright
 * scene and keeps all its detail (on the fixtures, night faces are 47-53 in a 43 scene,
 * day faces 94-114 in 122; photos of real faces had no face under 70).
 */

/** Below this mean luma (0-255), of the face and of the whole picture, a face is a low-light face. */
export const LOW_LIGHT_LUMA = 70;
const RADIUS = 2;
/** The blurred area reaches this far beyond the face box (landmarks and the aligned crop look past it). */
const MARGIN = 0.35;

/** The faces (boxes) of `img` that are low-light faces. */
export function lowLightFaces(img: DecodedImage, faces: Box[]): Box[] {
  if (!faces.length || meanLuma(img, [0, 0, img.width, img.height], 8) >= LOW_LIGHT_LUMA) return [];
  return faces.filter((box) => meanLuma(img, box) < LOW_LIGHT_LUMA);
}

/** Mean BT.601 luma inside `box` (clipped to the image), from every `step`-th pixel of every `step`-th row. */
export function meanLuma(img: DecodedImage, box: Box, step = 1): number {
  const [x1, y1, x2, y2] = clip(img, box, 0);
  let sum = 0;
  let n = 0;
  for (let y = y1; y < y2; y += step) {
    for (let x = x1, i = (y * img.width + x1) * 3; x < x2; x += step, i += 3 * step, n++)
      sum += 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
  }
  return n > 0 ? sum / n : 0;
}

/** A copy of `img` with each box (plus margin) smoothed by a separable (2r+1)^2 mean filter. */
export function denoiseRegions(img: DecodedImage, boxes: Box[]): DecodedImage {
  const data = Buffer.from(img.data);
  for (const box of boxes) {
    const [x1, y1, x2, y2] = clip(img, box, MARGIN);
    const w = x2 - x1;
    const h = y2 - y1;
    if (w <= 0 || h <= 0) continue;
    // Horizontal pass from the original pixels, vertical pass from it; edges average what exists.
    const horizontal = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      const row = (y1 + y) * img.width;
      for (let x = 0; x < w; x++) {
        const from = Math.max(0, x1 + x - RADIUS);
        const to = Math.min(img.width - 1, x1 + x + RADIUS);
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let xx = from; xx <= to; xx++) s += img.data[(row + xx) * 3 + c]!;
          horizontal[(y * w + x) * 3 + c] = s / (to - from + 1);
        }
      }
    }
    for (let y = 0; y < h; y++) {
      const from = Math.max(0, y - RADIUS);
      const to = Math.min(h - 1, y + RADIUS);
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let yy = from; yy <= to; yy++) s += horizontal[(yy * w + x) * 3 + c]!;
          data[((y1 + y) * img.width + x1 + x) * 3 + c] = Math.round(s / (to - from + 1));
        }
      }
    }
  }
  return { data, width: img.width, height: img.height };
}

function clip(img: DecodedImage, box: Box, margin: number): [number, number, number, number] {
  const mx = (box[2] - box[0]) * margin;
  const my = (box[3] - box[1]) * margin;
  return [
    Math.max(0, Math.floor(box[0] - mx)),
    Math.max(0, Math.floor(box[1] - my)),
    Math.min(img.width, Math.ceil(box[2] + mx)),
    Math.min(img.height, Math.ceil(box[3] + my)),
  ];
}
