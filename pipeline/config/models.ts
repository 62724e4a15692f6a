import { z } from 'zod';

/**
 * Model choices, a discriminated union per role on `family` (Frigate's detector plugins).
 * Built-in families need no path: their weights come from npm packages and are
 * converted by `watchpost models prepare`. Bring-your-own families take an ONNX path.
 */
export const personDetectorSchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('centernet') }).strict(),
  z.object({ family: z.literal('yolo'), path: z.string(), inputSize: z.number().int().default(640) }).strict(),
  z.object({ family: z.literal('yolox'), path: z.string(), inputSize: z.number().int().default(416) }).strict(),
]);

export const faceDetectorSchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('blazeface') }).strict(),
  z.object({ family: z.literal('yunet'), path: z.string(), inputSize: z.number().int().default(640) }).strict(),
  z.object({ family: z.literal('scrfd'), path: z.string(), inputSize: z.number().int().default(640) }).strict(),
  z.object({ family: z.literal('retinaface'), path: z.string(), inputSize: z.number().int().default(640) }).strict(),
]);

export const faceEmbedderSchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('faceapi') }).strict(),
  z.object({ family: z.literal('faceres') }).strict(),
  z.object({ family: z.literal('arcface'), path: z.string() }).strict(),
]);

export const modelsSchema = z
  .object({
    /** Where converted ONNX files and their manifest are cached. Default: <dataDir>/models. */
    cacheDir: z.string().optional(),
    /** onnxruntime intra-op threads per session (0 = onnxruntime's default). */
    threads: z.number().int().min(0).max(64).default(0),
    personDetector: personDetectorSchema.default({ family: 'centernet' }),
    faceDetector: faceDetectorSchema.default({ family: 'blazeface' }),
    faceEmbedder: faceEmbedderSchema.default({ family: 'faceapi' }),
  })
  .strict();
