import type { Affine } from '../../pipeline/face-alignment.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { normalizeAll, runCrops, type FaceEmbedderModel } from './embedder.js';
import type { InputSpec } from './input-tensor.js';
import { outputByShape } from './types.js';

/**
 * Distance below which two face-api descriptors are one person: measured on
 * ../shared/data/faces by `npm run bench:face-accuracy` (see the report there);
 * face-api's customary 0.6 let impostor pairs through.
 */
export const FACEAPI_MATCH_THRESHOLD = 0.56;

/** face-api's faceRecognitionNet (dlib ResNet-34 style) built as ONNX: 150x150 RGB 0-255 in, 128-d out. */
export class FaceapiDescriptor implements FaceEmbedderModel {
  readonly id = 'faceapi-128';
  readonly framing = 'landmarks68' as const;
  readonly cropSize = 150;
  readonly defaultThreshold = FACEAPI_MATCH_THRESHOLD;
  private readonly spec: InputSpec = { width: 150, height: 150, layout: 'nhwc', order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], fill: 0 };

  constructor(private readonly session: ModelSession) {}

  async embed(img: DecodedImage, crops: readonly Affine[]): Promise<Float32Array[]> {
    const raw = await runCrops(this.session, img, crops, this.spec, (out) =>
      out.descriptor ?? outputByShape(out, 'face-api descriptor [N,128]', (d) => d.at(-1) === 128),
    );
    return normalizeAll(raw);
  }
}
