import { z } from 'zod';

/** Overrides the embedder's measured default distance threshold (euclidean, L2-normalised descriptors). */
const matchThreshold = z.number().positive().max(2).optional();
/** COCO-style class index of "person" in a bring-your-own detector. */
const personClass = z.number().int().min(0).default(0);

/**
 * Model choices, a discriminated union per role on `family` (Frigate's detector plugins).
 * Built-in families need no path: their weights come from npm packages and are
 * converted by `watchpost models prepare`. Bring-your-own families take an ONNX path.
 */
export const personDetectorSchema = z.discriminatedUnion('family', [
  z
    .object({
      family: z.literal('centernet'),
      /** 16:9 and wider frames go to the 512x288 variant (44% less computation); false: always the square 512x512. */
      wideInput: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      family: z.literal('yolo'),
      path: z.string(),
      inputSize: z.number().int().default(640),
      classId: personClass,
    })
    .strict(),
  z
    .object({
      family: z.literal('yolox'),
      path: z.string(),
      inputSize: z.number().int().default(416),
      classId: personClass,
    })
    .strict(),
]);

export const faceDetectorSchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('blazeface') }).strict(),
  z.object({ family: z.literal('yunet'), path: z.string(), inputSize: z.number().int().default(640) }).strict(),
  z.object({ family: z.literal('scrfd'), path: z.string(), inputSize: z.number().int().default(640) }).strict(),
  z.object({ family: z.literal('retinaface'), path: z.string(), inputSize: z.number().int().default(640) }).strict(),
]);

export const faceEmbedderSchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('faceapi'), matchThreshold }).strict(),
  z.object({ family: z.literal('faceres'), matchThreshold }).strict(),
  z
    .object({
      family: z.literal('arcface'),
      path: z.string(),
      /** Pixel normalisation: insightface's (x-127.5)/127.5, or ImageNet mean/std (MobileFaceNet). */
      normalization: z.enum(['arcface', 'imagenet']).default('arcface'),
      matchThreshold,
    })
    .strict(),
]);

/**
 * A role's settings without `family` mean the built-in family, so that one key can be
 * tuned alone (e.g. WATCHPOST__MODELS__FACE_EMBEDDER__MATCH_THRESHOLD=0.45).
 */
function withDefaultFamily<S extends z.ZodType>(family: string, schema: S) {
  const filled = z.preprocess(
    (v) =>
      v === undefined ? { family } : typeof v === 'object' && v !== null && !('family' in v) ? { family, ...v } : v,
    schema,
  );
  // Typed as a default: the key may be omitted, and the output always has a family.
  return filled as unknown as z.ZodDefault<S>;
}

export const modelsSchema = z
  .object({
    /** Where converted ONNX files and their manifest are cached. Default: <dataDir>/models. */
    cacheDir: z.string().optional(),
    /**
     * onnxruntime intra-op threads per model instance (0 = onnxruntime's default, one per
     * core). One thread per instance and one instance per core gave the most frames per
     * second on 2 cores; a single stream (one replay) may finish sooner with 0.
     */
    threads: z.number().int().min(0).max(64).default(1),
    /** Copies of each model per process, each on its own thread (0 = one per core). */
    instances: z.number().int().min(0).max(64).default(0),
    /** Person detector: a built-in family, or a bring-your-own ONNX file with `path`. */
    personDetector: withDefaultFamily('centernet', personDetectorSchema),
    /** Face detector: a built-in family, or a bring-your-own ONNX file with `path`. */
    faceDetector: withDefaultFamily('blazeface', faceDetectorSchema),
    /** Face embedder; `matchThreshold` overrides the family's measured distance threshold. */
    faceEmbedder: withDefaultFamily('faceapi', faceEmbedderSchema),
    /**
     * Face crop for landmark-framed embedders (face-api, faceres): `dlib` is face-api's
     * upright crop, `similarity` rotates it so the eyes are level. Chosen by measurement
     * (bench/face-accuracy.ts).
     */
    alignment: z.enum(['dlib', 'similarity']).default('similarity'),
    /** Side of the landmark model's crop as a multiple of the face detector's box. */
    landmarkCropScale: z.number().min(0.8).max(3).default(1.2),
  })
  .strict();
