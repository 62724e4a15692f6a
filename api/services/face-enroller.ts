import type { Config } from '../../pipeline/config/index.js';
import type { Box } from '../../pipeline/geometry.js';

/** What enrolment needs from the face chain (models/index.ts, the inference engineer's module). */
export type EnrolmentResult =
  | { ok: true; box: Box; descriptor: number[]; width: number; height: number }
  | { ok: false; reason: 'no_face' | 'several_faces' | 'face_too_small' | 'unreadable_image'; message: string };

export interface FaceEnroller {
  readonly embedderId: string;
  enrol(image: Buffer): Promise<EnrolmentResult>;
}

/** The face models could not be loaded (not prepared, or the module is missing). */
export class FaceModelsUnavailableError extends Error {
  override name = 'FaceModelsUnavailableError';
}

interface ModelsModule {
  decodeImage(buf: Buffer): Promise<{ width: number; height: number }>;
  ImageError: new (...args: never[]) => Error & { code: string };
  FaceChain: {
    create(cfg: Config): Promise<{
      embedderId: string;
      enrolmentDescriptor(img: unknown): Promise<
        { ok: true; face: { box: Box }; descriptor: Float32Array } | { ok: false; reason: 'no_face' | 'several_faces' | 'face_too_small'; message: string }
      >;
    }>;
  };
}

/**
 * Loads the face chain once. The module path is resolved at run time so the API
 * starts (and serves everything but enrolment) even where models are not prepared.
 */
export async function loadFaceEnroller(cfg: Config): Promise<FaceEnroller> {
  const spec = '../../models/index.js';
  let mod: ModelsModule;
  try {
    mod = (await import(spec)) as ModelsModule;
  } catch (err) {
    throw new FaceModelsUnavailableError(`face models module not available: ${(err as Error).message}`);
  }
  let chain: Awaited<ReturnType<ModelsModule['FaceChain']['create']>>;
  try {
    chain = await mod.FaceChain.create(cfg);
  } catch (err) {
    throw new FaceModelsUnavailableError(`face models could not be loaded (run \`watchpost models prepare\`): ${(err as Error).message}`);
  }
  return {
    embedderId: chain.embedderId,
    async enrol(image) {
      let img: { width: number; height: number };
      try {
        img = await mod.decodeImage(image);
      } catch (err) {
        if (err instanceof mod.ImageError) return { ok: false, reason: 'unreadable_image', message: err.message };
        throw err;
      }
      const r = await chain.enrolmentDescriptor(img);
      if (!r.ok) return r;
      return { ok: true, box: r.face.box, descriptor: Array.from(r.descriptor), width: img.width, height: img.height };
    },
  };
}
