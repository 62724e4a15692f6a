import { z } from 'zod';

/**
 * Whether a camera sees faces large enough to identify. Identification is measured to find
 * enrolled people reliably from about 48 px wide faces (README: bench:face-accuracy, recall 0.93
 * at 48 px and more; bench:walk-pasts, 2 of 3 walkers found at 48 px, 3 of 3 at 64 px); a camera
 * whose faces stay below that protects nobody, and only moving or zooming it helps.
 */
export const faceSizeSchema = z.object({
  /** Median width (source px) of the last faces the camera saw. */
  medianPx: z.number(),
  samples: z.number().int(),
  /** Set when the faces are consistently too small: what the operator should do. */
  hint: z.string().nullable(),
});
export type FaceSize = z.infer<typeof faceSizeSchema>;

/** How many recent face widths a camera keeps (numbers only: no identity, no time). */
export const FACE_SIZE_WINDOW = 50;

export function faceSizeOf(widths: number[], opts: { hintBelowPx: number; minSamples: number }): FaceSize | null {
  if (!widths.length) return null;
  const sorted = [...widths].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const medianPx = Math.round(median);
  const tooSmall = sorted.length >= opts.minSamples && median < opts.hintBelowPx;
  return {
    medianPx,
    samples: sorted.length,
    hint: tooSmall
      ? `faces here are ${medianPx} px (${opts.hintBelowPx} px needed to identify): move or zoom the camera`
      : null,
  };
}
