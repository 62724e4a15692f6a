import type { Affine } from '../../pipeline/face-alignment.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { normalizeAll, runCrops, type FaceEmbedderModel } from './embedder.js';
import type { InputSpec } from './input-tensor.js';

/**
 * Pixel normalisation of ArcFace-style embedders: insightface models take
 * (x - 127.5) / 127.5; MobileFaceNet (foamliu) takes ImageNet mean/std.
 */
export type ArcfaceNormalization = 'arcface' | 'imagenet';

/** Euclidean distance on L2-normalised embeddings ≈ cosine similarity 0.35 (d² = 2 − 2·cos). */
export const ARCFACE_MATCH_THRESHOLD = 1.14;

const NORMALIZATION: Record<ArcfaceNormalization, Pick<InputSpec, 'mean' | 'std'>> = {
  arcface: { mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] },
  imagenet: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
};

/** Bring-your-own ArcFace-style embedder: 112x112 NCHW RGB crop on the 5-point template. */
export class ArcfaceEmbedder implements FaceEmbedderModel {
  readonly id: string;
  readonly framing = 'five-point' as const;
  readonly cropSize = 112;
  private readonly spec: InputSpec;

  constructor(
    private readonly session: ModelSession,
    normalization: ArcfaceNormalization,
    readonly defaultThreshold = ARCFACE_MATCH_THRESHOLD,
  ) {
    this.spec = { width: 112, height: 112, layout: 'nchw', order: 'rgb', ...NORMALIZATION[normalization], fill: 0 };
    const dim = session.outputs[0]?.shape.at(-1);
    this.id = `arcface-${typeof dim === 'number' ? dim : 'n'}:${session.path.split('/').pop()}`;
  }

  async embed(img: DecodedImage, crops: readonly Affine[]): Promise<Float32Array[]> {
    const output = this.session.outputs[0]!.name;
    return normalizeAll(await runCrops(this.session, img, crops, this.spec, (out) => out[output]!));
  }
}
