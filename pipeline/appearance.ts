import type { Box } from './geometry.js';

/**
 * A person's look, cheap enough for every detection: the colour histogram of the upper
 * body (clothes), 4 levels per RGB channel, normalised. The tracker uses it where IoU
 * alone is blind: a track that lost its person must not be continued by somebody else
 * who steps into the predicted box a moment later (a perpetrator following a neighbour
 * through the same door would otherwise inherit the neighbour's track, and with it a
 * frame budget for identification that is already spent).
 */
export type Appearance = number[];

const LEVELS = 4;
export const APPEARANCE_BINS = LEVELS ** 3;
/** Samples per axis at most: a histogram of 64 bins needs no more than ~1,600 pixels. */
const GRID = 40;

/** The upper body inside a person box: below the head, above the legs, away from the edges (background). */
export function torsoRegion(box: Box): Box {
  const [x1, y1, x2, y2] = box;
  const w = x2 - x1;
  const h = y2 - y1;
  return [x1 + 0.2 * w, y1 + 0.2 * h, x2 - 0.2 * w, y1 + 0.6 * h];
}

/** Histogram of the torso region of `box` in an RGB image; null when the region holds no pixel. */
export function appearanceOf(img: { width: number; height: number; data: Uint8Array }, box: Box): Appearance | null {
  const [rx1, ry1, rx2, ry2] = torsoRegion(box);
  const x1 = Math.max(0, Math.floor(rx1));
  const y1 = Math.max(0, Math.floor(ry1));
  const x2 = Math.min(img.width, Math.ceil(rx2));
  const y2 = Math.min(img.height, Math.ceil(ry2));
  if (x2 <= x1 || y2 <= y1) return null;
  const stepX = Math.max(1, Math.floor((x2 - x1) / GRID));
  const stepY = Math.max(1, Math.floor((y2 - y1) / GRID));
  const hist = new Array<number>(APPEARANCE_BINS).fill(0);
  let n = 0;
  for (let y = y1; y < y2; y += stepY) {
    for (let x = x1, i = (y * img.width + x1) * 3; x < x2; x += stepX, i += 3 * stepX) {
      hist[(img.data[i]! >> 6) * 16 + (img.data[i + 1]! >> 6) * 4 + (img.data[i + 2]! >> 6)]!++;
      n++;
    }
  }
  // Rounded: it lives in the detect state (JSON in Redis) of every track.
  return hist.map((c) => Math.round((c / n) * 1000) / 1000);
}

/** Hellinger distance of two histograms: 0 same colours, 1 nothing in common. */
export function appearanceDistance(a: Appearance, b: Appearance): number {
  let bc = 0;
  for (let i = 0; i < a.length; i++) bc += Math.sqrt(a[i]! * b[i]!);
  return Math.sqrt(Math.max(0, 1 - bc));
}

/** A track's appearance follows its person slowly (light and pose change); a new sighting weighs `rate`. */
export function blendAppearance(
  track: Appearance | undefined,
  seen: Appearance | null | undefined,
  rate = 0.3,
): Appearance | undefined {
  if (!seen) return track;
  if (!track) return seen;
  return track.map((v, i) => Math.round((v * (1 - rate) + seen[i]! * rate) * 1000) / 1000);
}
