/**
 * Motion gating: a frame goes to person detection only if something moved since the
 * last frame that did (a reference, not the previous frame, so slow movement adds
 * up), or while a track is alive. The comparison runs on a tiny greyscale
 * thumbnail (the worker makes it with sharp). Both thumbnails are normalised to the
 * scene's own brightness and contrast first (z-scores), so that lights switching,
 * clouds passing or a camera's gain changing are not motion, and so that a dark,
 * flat night scene is as sensitive as a bright one (a fixed grey-level threshold
 * missed a person walking in at night). Masked regions (trees, roads, screens) are
 * ignored.
 */
import type { Box } from './geometry.js';

/** Thumbnail size: 16:9, small enough that sensor noise averages out. */
export const MOTION_THUMB = Object.freeze({ width: 64, height: 36 });

export const MOTION_DEFAULTS = Object.freeze({
  /** A thumbnail pixel changed when it differs by more than this share of the scene's contrast (standard deviation). */
  zDelta: 0.5,
  /** Contrast (grey-level standard deviation) assumed at least, so a nearly uniform scene does not amplify noise. */
  minContrast: 10,
  /**
   * Detection runs at least this often even without motion: a person standing still at the
   * door is the threat this system exists for, and must not stay unseen for long.
   */
  refreshMs: 2_000,
});

/**
 * 1 where motion counts, 0 inside a mask. Masks are [x1,y1,x2,y2] fractions of the
 * frame; a thumbnail pixel is masked when its centre lies inside one.
 */
export function motionMask(
  masks: readonly Box[],
  width = MOTION_THUMB.width,
  height = MOTION_THUMB.height,
): Uint8Array {
  const mask = new Uint8Array(width * height).fill(1);
  for (const [x1, y1, x2, y2] of masks) {
    for (let y = 0; y < height; y++) {
      const fy = (y + 0.5) / height;
      if (fy < y1 || fy > y2) continue;
      for (let x = 0; x < width; x++) {
        const fx = (x + 0.5) / width;
        if (fx >= x1 && fx <= x2) mask[y * width + x] = 0;
      }
    }
  }
  return mask;
}

/** Mean and standard deviation (at least `minContrast`) of the unmasked pixels. */
function sceneStats(img: Uint8Array, mask: Uint8Array, minContrast: number): { mean: number; sd: number } {
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < img.length; i++) {
    if (!mask[i]) continue;
    n++;
    sum += img[i]!;
    sum2 += img[i]! * img[i]!;
  }
  const mean = n ? sum / n : 0;
  return { mean, sd: Math.max(minContrast, Math.sqrt(Math.max(0, (n ? sum2 / n : 0) - mean * mean))) };
}

/**
 * 1 for each unmasked thumbnail pixel that changed between `ref` and `cur`, after
 * brightness and contrast normalisation (motion regions are built from these).
 */
export function changedCells(
  ref: Uint8Array,
  cur: Uint8Array,
  mask: Uint8Array,
  opts: { zDelta?: number; minContrast?: number } = {},
): Uint8Array {
  if (ref.length !== cur.length || mask.length !== cur.length) {
    throw new RangeError(`thumbnail sizes differ: ${ref.length}, ${cur.length}, mask ${mask.length}`);
  }
  const zDelta = opts.zDelta ?? MOTION_DEFAULTS.zDelta;
  const minContrast = opts.minContrast ?? MOTION_DEFAULTS.minContrast;
  const r = sceneStats(ref, mask, minContrast);
  const c = sceneStats(cur, mask, minContrast);
  const out = new Uint8Array(cur.length);
  for (let i = 0; i < cur.length; i++) {
    if (mask[i] && Math.abs((cur[i]! - c.mean) / c.sd - (ref[i]! - r.mean) / r.sd) > zDelta) out[i] = 1;
  }
  return out;
}

/** Share (0..1) of unmasked thumbnail pixels that changed between `ref` and `cur` (changedCells). */
export function motionShare(
  ref: Uint8Array,
  cur: Uint8Array,
  mask: Uint8Array,
  opts: { zDelta?: number; minContrast?: number } = {},
): number {
  const changed = changedCells(ref, cur, mask, opts);
  let n = 0;
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    count += changed[i]!;
  }
  return n ? count / n : 0;
}

export type GateDecision =
  | {
      detect: true;
      reason: 'gating_off' | 'no_reference' | 'tracks_alive' | 'motion' | 'refresh';
      motion: number | null;
    }
  | { detect: false; reason: 'still'; motion: number };

/** Whether this frame needs person detection. */
export function gateFrame(input: {
  enabled: boolean;
  /** Thumbnail of the last frame that went to detection, or null. */
  reference: Uint8Array | null;
  current: Uint8Array;
  mask: Uint8Array;
  tracksAlive: boolean;
  /** Time since the last frame that went to detection (ms), or null. */
  sinceDetectionMs: number | null;
  /** Share of changed pixels that counts as motion (cfg.detect.motionThreshold). */
  threshold: number;
  zDelta?: number;
  refreshMs?: number;
}): GateDecision {
  if (!input.enabled) return { detect: true, reason: 'gating_off', motion: null };
  if (!input.reference || input.reference.length !== input.current.length)
    return { detect: true, reason: 'no_reference', motion: null };
  const motion = motionShare(input.reference, input.current, input.mask, { zDelta: input.zDelta });
  if (input.tracksAlive) return { detect: true, reason: 'tracks_alive', motion };
  if (motion > input.threshold) return { detect: true, reason: 'motion', motion };
  if (input.sinceDetectionMs === null || input.sinceDetectionMs >= (input.refreshMs ?? MOTION_DEFAULTS.refreshMs)) {
    return { detect: true, reason: 'refresh', motion };
  }
  return { detect: false, reason: 'still', motion };
}
