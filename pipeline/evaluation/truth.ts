import { z } from 'zod';

/**
 * Ground truth of a footage fixture (`fixtures/<name>.truth.json`, format
 * `watchpost-truth/1`, documented in fixtures/README.md). Times are seconds from
 * the first frame: frame i is shown at t = i / fps.
 */
const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const truthFrameSchema = z.object({
  /** Frame index in the video (0-based). */
  i: z.number().int().nonnegative(),
  t: z.number().nonnegative(),
  /** Visible part of the person, clipped to the frame: [x1, y1, x2, y2] in video pixels. */
  personBox: box,
  /** The whole face when it is entirely inside the frame, else null (entering or leaving). */
  faceBox: box.nullable(),
});
export type TruthFrame = z.infer<typeof truthFrameSchema>;

/** One continuous stretch in which one person is (at least partly) in view. */
export const truthAppearanceSchema = z.object({
  id: z.string(),
  /** Gallery name when this person is enrolled, null for a stranger. */
  identity: z.string().nullable(),
  /** Who this is in the fixture's cast (strangers are told apart by it). */
  actor: z.string(),
  /** First and last frame with any part of the person in view. */
  start: z.number(),
  end: z.number(),
  /** First and last frame with the whole face in view (null when it never is). */
  faceStart: z.number().nullable(),
  faceEnd: z.number().nullable(),
  /** Face width in video pixels while entirely in view. */
  faceWidthPx: z.object({ min: z.number(), max: z.number() }).nullable(),
  frames: z.array(truthFrameSchema),
});
export type TruthAppearance = z.infer<typeof truthAppearanceSchema>;

export const footageTruthSchema = z.object({
  format: z.literal('watchpost-truth/1'),
  fixture: z.string(),
  /** Video file name, relative to the truth file. */
  video: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().positive(),
  frames: z.number().int().positive(),
  durationSec: z.number().positive(),
  lighting: z.enum(['day', 'night']),
  /** Gallery folder (`<identity>/<photo>`), relative to the truth file. */
  gallery: z.string(),
  /** Identities enrolled in that gallery: every one is evaluated, seen or not. */
  enrolled: z.array(z.string()),
  appearances: z.array(truthAppearanceSchema),
  /** How the fixture was made, for a reader of the JSON. */
  description: z.string(),
});
export type FootageTruth = z.infer<typeof footageTruthSchema>;

/** Typed error for a truth file that does not follow the format. */
export class InvalidTruthError extends Error {
  override readonly name = 'InvalidTruthError';
}

export function parseTruth(json: unknown, source = 'truth'): FootageTruth {
  const parsed = footageTruthSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidTruthError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
