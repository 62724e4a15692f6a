import type { Config } from '../../pipeline/config/index.js';
import type { EnrolmentRefusalReason } from '../../pipeline/face-quality-rule.js';
import type { Box } from '../../pipeline/geometry.js';

/** Why the enrolment gate refuses a photo (models/enrolment-gate.ts). */
export type GateRefusal = EnrolmentRefusalReason;

/** How good an enrolled face is, and what a better photo would add (shown on the enrolment screen). */
export interface PhotoQuality {
  /** [0, 1]: size x detector score x sharpness x pose. */
  score: number;
  measures: Record<string, number>;
  advice: string[];
}

/** What enrolment needs from the face chain (models/index.ts, the inference engineer's module). */
export type EnrolmentResult =
  | { ok: true; box: Box; descriptor: number[]; width: number; height: number; quality: PhotoQuality }
  | { ok: false; reason: GateRefusal | 'unreadable_image'; message: string; box?: Box };

export type EnrolmentRefusal = Extract<EnrolmentResult, { ok: false }>['reason'];

/** Every face the detector finds, and what enrolling this image would answer (nothing is stored). */
export type FaceCheckResult =
  | {
      ok: true;
      width: number;
      height: number;
      faces: { box: Box; score: number }[];
      enrolment:
        | { ok: true; quality: PhotoQuality }
        | { ok: false; reason: Exclude<EnrolmentRefusal, 'unreadable_image'>; message: string; box?: Box };
    }
  | { ok: false; reason: 'unreadable_image'; message: string };

export interface FaceEnroller {
  readonly embedderId: string;
  enrol(image: Buffer): Promise<EnrolmentResult>;
  check(image: Buffer): Promise<FaceCheckResult>;
}

/** A refusal with the refused face's box when there was one (the dashboard draws the reason on it). */
const refusal = (r: { reason: GateRefusal; message: string; face?: { box: Box } }) => ({
  ok: false as const,
  reason: r.reason,
  message: r.message,
  ...(r.face ? { box: r.face.box } : {}),
});

/** The face models could not be loaded (not prepared, or the module is missing). */
export class FaceModelsUnavailableError extends Error {
  override name = 'FaceModelsUnavailableError';
}

/**
 * The port through which enrolment reaches the face chain: the models layer's own module
 * type, so the compiler checks every use here against the real one (no copied type).
 */
type ModelsModule = typeof import('../../models/index.js');

/** The chain's named face measures, as the open map of numbers the API's schemas carry. */
const measuresOf = (m: object): Record<string, number> => ({ ...(m as Record<string, number>) });

/**
 * Loads the face chain once, on the first enrolment (not at start-up), so the API starts
 * and serves everything else even where models are not prepared.
 */
export async function loadFaceEnroller(cfg: Config): Promise<FaceEnroller> {
  let mod: ModelsModule;
  try {
    mod = await import('../../models/index.js');
  } catch (err) {
    throw new FaceModelsUnavailableError(`face models module not available: ${(err as Error).message}`);
  }
  let chain: Awaited<ReturnType<ModelsModule['FaceChain']['create']>>;
  let detector: Awaited<ReturnType<ModelsModule['FaceDetector']['create']>>;
  try {
    // The detector shares the chain's session (sessions are cached by model file).
    [chain, detector] = await Promise.all([mod.FaceChain.create(cfg), mod.FaceDetector.create(cfg)]);
  } catch (err) {
    throw new FaceModelsUnavailableError(
      `face models could not be loaded (run \`watchpost models prepare\`): ${(err as Error).message}`,
    );
  }
  const decode = async (image: Buffer) => {
    try {
      return await mod.decodeImage(image);
    } catch (err) {
      if (err instanceof mod.ImageError)
        return { ok: false as const, reason: 'unreadable_image' as const, message: err.message };
      throw err;
    }
  };
  return {
    embedderId: chain.embedderId,
    async enrol(image) {
      const img = await decode(image);
      if ('ok' in img) return img;
      const r = await chain.enrolmentDescriptor(img);
      if (!r.ok) return refusal(r);
      return {
        ok: true,
        box: r.face.box,
        descriptor: Array.from(r.descriptor),
        width: img.width,
        height: img.height,
        quality: { score: r.quality, measures: measuresOf(r.measures), advice: r.advice },
      };
    },
    async check(image) {
      const img = await decode(image);
      if ('ok' in img) return img;
      // The verdict comes from enrolment's own rule (bystander faces, minimum size), so the preview never disagrees with saving.
      const [faces, verdict] = await Promise.all([detector.detect(img), chain.enrolmentDescriptor(img)]);
      return {
        ok: true,
        width: img.width,
        height: img.height,
        faces: faces.map((f) => ({ box: f.box, score: f.score })),
        enrolment: verdict.ok
          ? {
              ok: true,
              quality: { score: verdict.quality, measures: measuresOf(verdict.measures), advice: verdict.advice },
            }
          : refusal(verdict),
      };
    },
  };
}
