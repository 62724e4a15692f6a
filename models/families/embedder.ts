import type { Affine } from '../../pipeline/face-alignment.js';
import { l2normalize } from '../../pipeline/face-match.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { sampleToTensor, type InputSpec } from './input-tensor.js';
import { ModelLayoutError } from './types.js';

/** How an embedder's crop is framed: from 68 landmarks (face-api style) or five points (ArcFace template). */
export type CropFraming = 'landmarks68' | 'five-point';

/** A face-embedding family: square aligned crops in, L2-normalised descriptors out. */
export interface FaceEmbedderModel {
  /** Goes into the watchlist snapshot: descriptors of different ids are not comparable. */
  readonly id: string;
  readonly framing: CropFraming;
  /** Side of the square crop the model takes. */
  readonly cropSize: number;
  /** Euclidean distance between L2-normalised descriptors below which two faces are one person. */
  readonly defaultThreshold: number;
  /** One descriptor per crop (crop pixel -> source pixel maps), batched where the model allows. */
  embed(img: DecodedImage, crops: readonly Affine[]): Promise<Float32Array[]>;
}

/** Runs an image-crop model in batches (one at a time when its batch size is fixed to 1). */
export async function runCrops(
  session: ModelSession,
  img: DecodedImage,
  crops: readonly Affine[],
  spec: InputSpec,
  pickOutput: (outputs: Record<string, { data: Float32Array; dims: number[] }>) => {
    data: Float32Array;
    dims: number[];
  },
): Promise<Float32Array[]> {
  if (crops.length === 0) return [];
  const batch = session.fixedBatch ?? crops.length;
  const per = spec.width * spec.height * 3;
  const dims = spec.layout === 'nhwc' ? [spec.height, spec.width, 3] : [3, spec.height, spec.width];
  const results: Float32Array[] = [];
  for (let start = 0; start < crops.length; start += batch) {
    const chunk = crops.slice(start, start + batch);
    const n = session.fixedBatch ?? chunk.length;
    const data = session.inputArray(n * per);
    for (const [i, m] of chunk.entries()) sampleToTensor(img, m, spec, data, i * per);
    data.fill(0, chunk.length * per); // a fixed batch's unused rows
    const out = pickOutput(
      await session.run({ [session.inputs[0]!.name]: { data, dims: [n, ...dims] } }, { transferInputs: true }),
    );
    const width = out.data.length / n;
    if (!Number.isInteger(width))
      throw new ModelLayoutError(`output [${out.dims.join(',')}] does not split into ${n} rows`);
    for (let i = 0; i < chunk.length; i++) results.push(out.data.slice(i * width, (i + 1) * width));
  }
  return results;
}

export const normalizeAll = (vs: Float32Array[]): Float32Array[] => vs.map(l2normalize);
