/**
 * Which frames of a track go to face identification. Identification costs far more
 * than detection, so a track sends only frames whose head region is large and sharp
 * enough: the first few good ones at once (the alert's latency depends on them),
 * afterwards only a clearly better one or a periodic refresh (the person turned or
 * came closer), up to a cap per track.
 */
import type { Box } from './geometry.js';

export interface BestFrameOptions {
  minHeadPx: number;
  minSharpness: number;
  quickFrames: number;
  minGain: number;
  refreshMs: number;
  maxPerTrack: number;
  /**
   * A track whose person suddenly looks this different (appearance distance) may now be
   * somebody else: its frame budget starts again, so a newcomer is identified as fast as
   * on a track of their own.
   */
  lookChangeReset: number;
}

export const BEST_FRAME_DEFAULTS: Readonly<BestFrameOptions> = Object.freeze({
  /** Head regions narrower than this (source pixels) cannot hold an identifiable face. */
  minHeadPx: 32,
  /** Laplacian variance below this is too blurred to identify (motion blur, focus). */
  minSharpness: 8,
  /** The first good frames of a track are all sent, so that k-of-n votes can fire quickly. */
  quickFrames: 3,
  /** After the quick frames, a frame is sent if its quality beats the best sent so far by this factor... */
  minGain: 1.25,
  /** ...or if nothing was sent for this long. */
  refreshMs: 2000,
  /** At most this many frames of one track are identified. */
  maxPerTrack: 10,
  /** Frame to frame, one person's clothes stay under 0.1 (median, fixtures); the handovers measured were 0.36-0.39. */
  lookChangeReset: 0.3,
});

/**
 * Where the head should be in a person box: the top of the box, as tall as it is
 * wide (a standing person: head and shoulders; an upper body near a door camera:
 * most of the box), clipped to the frame.
 */
export function headRegion(person: Box, frame: { width: number; height: number }): Box {
  const [x1, y1, x2, y2] = person;
  const w = x2 - x1;
  const h = y2 - y1;
  const hh = Math.min(h, Math.max(w, h * 0.3));
  return [Math.max(0, x1), Math.max(0, y1), Math.min(frame.width, x2), Math.min(frame.height, y1 + hh)];
}

/** Greyscale (BT.601 luma) of a region of an RGB image, at source resolution. */
export function greyRegion(
  img: { data: Uint8Array; width: number; height: number },
  region: Box,
): { data: Float32Array; width: number; height: number } {
  const x1 = Math.max(0, Math.floor(region[0]));
  const y1 = Math.max(0, Math.floor(region[1]));
  const x2 = Math.min(img.width, Math.ceil(region[2]));
  const y2 = Math.min(img.height, Math.ceil(region[3]));
  const width = Math.max(0, x2 - x1);
  const height = Math.max(0, y2 - y1);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    let src = ((y1 + y) * img.width + x1) * 3;
    for (let x = 0; x < width; x++, src += 3)
      data[y * width + x] = 0.299 * img.data[src]! + 0.587 * img.data[src + 1]! + 0.114 * img.data[src + 2]!;
  }
  return { data, width, height };
}

/** Variance of the 4-neighbour Laplacian: the standard focus measure (higher is sharper). */
export function laplacianVariance(grey: { data: ArrayLike<number>; width: number; height: number }): number {
  const { data, width: w, height: h } = grey;
  if (w < 3 || h < 3) return 0;
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = data[i - 1]! + data[i + 1]! + data[i - w]! + data[i + w]! - 4 * data[i]!;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/**
 * Quality in [0,1): grows with head size (saturating near 160 px wide, where the
 * face fills the embedder's input) and with sharpness (saturating).
 */
export function frameQuality(headPx: number, sharpness: number): number {
  const size = Math.min(1, headPx / 160);
  const sharp = sharpness / (sharpness + 50);
  return size * sharp;
}

/** Per-track selection state (JSON, kept with the tracker state). */
export interface SelectionState {
  sent: number;
  bestSentQuality: number;
  lastSentTs: number | null;
  /** The best frame seen on this track, sent or not (for track summaries). */
  best: { seq: number; ts: number; frameKey: string; quality: number; personBox: Box } | null;
  /** The last frame's person looked different from the track's (the budget restarts once per change). */
  lookChanged?: boolean;
}

export const newSelectionState = (): SelectionState => ({ sent: 0, bestSentQuality: 0, lastSentTs: null, best: null });

/** The selection of a track whose person may have changed: budget and quick frames afresh, the best frame kept. */
export const restartSelection = (state: SelectionState): SelectionState => ({
  ...newSelectionState(),
  best: state.best,
});

export interface FrameCandidate {
  seq: number;
  ts: number;
  frameKey: string;
  personBox: Box;
  headPx: number;
  sharpness: number;
}

export type SelectionReason =
  | 'quick'
  | 'better'
  | 'refresh'
  | 'too_small'
  | 'too_blurred'
  | 'cap_reached'
  | 'not_better';

/** Decides whether this frame of the track goes to identification. */
export function selectFrame(
  state: SelectionState,
  c: FrameCandidate,
  opts: BestFrameOptions = BEST_FRAME_DEFAULTS,
): { send: boolean; reason: SelectionReason; quality: number; state: SelectionState } {
  const quality = frameQuality(c.headPx, c.sharpness);
  const best =
    !state.best || quality > state.best.quality
      ? { seq: c.seq, ts: c.ts, frameKey: c.frameKey, quality, personBox: c.personBox }
      : state.best;
  const keep = (reason: SelectionReason) => ({ send: false, reason, quality, state: { ...state, best } });
  if (c.headPx < opts.minHeadPx) return keep('too_small');
  if (c.sharpness < opts.minSharpness) return keep('too_blurred');
  if (state.sent >= opts.maxPerTrack) return keep('cap_reached');
  let reason: SelectionReason | null = null;
  if (state.sent < opts.quickFrames) reason = 'quick';
  else if (quality >= state.bestSentQuality * opts.minGain) reason = 'better';
  else if (state.lastSentTs !== null && c.ts - state.lastSentTs >= opts.refreshMs) reason = 'refresh';
  if (!reason) return keep('not_better');
  return {
    send: true,
    reason,
    quality,
    state: { sent: state.sent + 1, bestSentQuality: Math.max(state.bestSentQuality, quality), lastSentTs: c.ts, best },
  };
}
