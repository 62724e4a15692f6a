import type { Affine } from '../../pipeline/face-alignment.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { normalizeAll, runCrops, type FaceEmbedderModel } from './embedder.js';
import { rawRgbNhwc, type InputSpec } from './input-tensor.js';
import { outputByShape } from './types.js';

/**
 * Euclidean distance between L2-normalised face-api descriptors below which two faces
 * are one person. Measured with `npm run bench:face-accuracy` on ../shared/data/faces
 * (similarity alignment): every genuine pair is at most 0.414, the closest impostor
 * pair 0.423; 0.41 keeps a margin under the impostors at the cost of the rare borderline
 * genuine frame, which track voting absorbs. (Unnormalised descriptors are ~1.4x longer:
 * DESIGN.md's 0.55-0.58 is the same boundary; L2-normalising separated slightly better.)
 */
export const FACEAPI_MATCH_THRESHOLD = 0.41;

/** face-api's faceRecognitionNet (dlib ResNet-34 style) built as ONNX: 150x150 RGB 0-255 in, 128-d out. */
export class FaceapiDescriptor implements FaceEmbedderModel {
  readonly id = 'faceapi-128';
  readonly framing = 'landmarks68' as const;
  readonly cropSize = 150;
  readonly defaultThreshold = FACEAPI_MATCH_THRESHOLD;
  private readonly spec: InputSpec = rawRgbNhwc(150);

  constructor(private readonly session: ModelSession) {}

  async embed(img: DecodedImage, crops: readonly Affine[]): Promise<Float32Array[]> {
    const raw = await runCrops(
      this.session,
      img,
      crops,
      this.spec,
      (out) => out.descriptor ?? outputByShape(out, 'face-api descriptor [N,128]', (d) => d.at(-1) === 128),
    );
    return normalizeAll(raw);
  }
}
