import type { Affine } from '../../pipeline/face-alignment.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { normalizeAll, runCrops, type FaceEmbedderModel } from './embedder.js';
import { rawRgbNhwc, type InputSpec } from './input-tensor.js';
import { outputByShape } from './types.js';

/**
 * Measured with `npm run bench:face-accuracy` on ../shared/data/faces (L2-normalised
 * 1024-d descriptors): the closest impostor pair is at 0.877, so 0.87 accepts no
 * impostor; FaceRes' genuine pairs spread wide (median 0.80, p95 0.97), hence its lower TAR.
 */
export const FACERES_MATCH_THRESHOLD = 0.87;

/** @vladmandic/human's HSE FaceRes, converted: 224x224 RGB 0-255 NHWC in, 1024-d `global_pooling/Mean` out. */
export class FaceresDescriptor implements FaceEmbedderModel {
  readonly id = 'faceres-1024';
  readonly framing = 'landmarks68' as const;
  readonly cropSize = 224;
  readonly defaultThreshold = FACERES_MATCH_THRESHOLD;
  private readonly spec: InputSpec = rawRgbNhwc(224);

  constructor(private readonly session: ModelSession) {}

  async embed(img: DecodedImage, crops: readonly Affine[]): Promise<Float32Array[]> {
    const raw = await runCrops(
      this.session,
      img,
      crops,
      this.spec,
      (out) =>
        out['global_pooling/Mean'] ?? outputByShape(out, 'FaceRes descriptor [N,1024]', (d) => d.at(-1) === 1024),
    );
    return normalizeAll(raw);
  }
}
