/**
 * Motion gating: a frame goes to person detection only if something moved since the
 * last frame that did (a reference, not the previous frame, so slow movement adds
 * up), or while a track is alive. The comparison runs on a tiny greyscale
 * thumbnail (the worker makes it with sharp), after removing the global brightness
 * change so that lights switching or clouds passing are not motion. Masked regions
 * (trees, roads, screens) are ignored.
 */
import type { Box } from './geometry.js';

/** Thumbnail size: 16:9, small enough that sensor noise averages out. */
export const MOTION_THUMB = Object.freeze({ width: 64, height: 36 });

export const MOTION_DEFAULTS = Object.freeze({
  /** A thumbnail pixel changed when it differs by more than this many grey levels (after brightness compensation). */
  pixelDelta: 20,
  /** Detection runs at least this often even without motion (a person standing very still). */
  refreshMs: 10_000,
});

/**
 * 1 where motion counts, 0 inside a mask. Masks are [x1,y1,x2,y2] fractions of the
 * frame; a thumbnail pixel is masked when its centre lies inside one.
 */
export function motionMask(masks: readonly Box[], width = MOTION_THUMB.width, height = MOTION_THUMB.height): Uint8Array {
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

/** Share (0..1) of unmasked thumbnail pixels that changed between `ref` and `cur`. */
export function motionShare(ref: Uint8Array, cur: Uint8Array, mask: Uint8Array, pixelDelta: number = MOTION_DEFAULTS.pixelDelta): number {
  if (ref.length !== cur.length || mask.length !== cur.length) {
    throw new RangeError(`thumbnail sizes differ: ${ref.length}, ${cur.length}, mask ${mask.length}`);
  }
  let n = 0;
  let sum = 0;
  for (let i = 0; i < cur.length; i++) {
    if (!mask[i]) continue;
    n++;
    sum += cur[i]! - ref[i]!;
  }
  if (!n) return 0;
  const shift = sum / n;
  let changed = 0;
  for (let i = 0; i < cur.length; i++) {
    if (mask[i] && Math.abs(cur[i]! - ref[i]! - shift) > pixelDelta) changed++;
  }
  return changed / n;
}

export type GateDecision =
  | { detect: true; reason: 'gating_off' | 'no_reference' | 'tracks_alive' | 'motion' | 'refresh'; motion: number | null }
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
  pixelDelta?: number;
  refreshMs?: number;
}): GateDecision {
  if (!input.enabled) return { detect: true, reason: 'gating_off', motion: null };
  if (!input.reference || input.reference.length !== input.current.length) return { detect: true, reason: 'no_reference', motion: null };
  const motion = motionShare(input.reference, input.current, input.mask, input.pixelDelta);
  if (input.tracksAlive) return { detect: true, reason: 'tracks_alive', motion };
  if (motion > input.threshold) return { detect: true, reason: 'motion', motion };
  if (input.sinceDetectionMs === null || input.sinceDetectionMs >= (input.refreshMs ?? MOTION_DEFAULTS.refreshMs)) {
    return { detect: true, reason: 'refresh', motion };
  }
  return { detect: false, reason: 'still', motion };
}
