import type { Box, Point } from '../../pipeline/geometry.js';
import { nms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession } from '../session.js';
import { runFitted, wholeImage, type InputSpec } from './input-tensor.js';
import {
  ModelLayoutError,
  outputByShape,
  type DetectOptions,
  type FaceDetection,
  type FaceDetectorModel,
} from './types.js';

const RETINAFACE_NMS_IOU = 0.4;
/** Prior sizes per stride and box-coding variances of the widely used Pytorch_Retinaface exports. */
const MIN_SIZES = [
  [16, 32],
  [64, 128],
  [256, 512],
] as const;
const STEPS = [8, 16, 32] as const;
const VARIANCE = [0.1, 0.2] as const;

/** Prior boxes (cx, cy, w, h in input pixels), in the order the network emits them. */
export function retinafacePriors(width: number, height: number): Float32Array {
  const priors: number[] = [];
  STEPS.forEach((step, level) => {
    const rows = Math.ceil(height / step),
      cols = Math.ceil(width / step);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        for (const size of MIN_SIZES[level]!) priors.push((j + 0.5) * step, (i + 0.5) * step, size, size);
      }
    }
  });
  return Float32Array.from(priors);
}

/**
 * Decodes RetinaFace's loc [1,N,4], conf [1,N,2] (softmaxed: background, face) and
 * landms [1,N,10] against the priors (SSD box coding) into faces in input pixels.
 */
export function decodeRetinaface(
  loc: Float32Array,
  conf: Float32Array,
  landms: Float32Array,
  priors: Float32Array,
  minScore: number,
): FaceDetection[] {
  const n = priors.length / 4;
  if (loc.length !== n * 4 || conf.length !== n * 2 || landms.length !== n * 10) {
    throw new ModelLayoutError(
      `RetinaFace outputs hold ${loc.length / 4} boxes; ${n} priors expected for this input size`,
    );
  }
  const candidates: FaceDetection[] = [];
  for (let i = 0; i < n; i++) {
    const score = conf[i * 2 + 1]!;
    if (!(score >= minScore)) continue;
    const [px, py, pw, ph] = [priors[i * 4]!, priors[i * 4 + 1]!, priors[i * 4 + 2]!, priors[i * 4 + 3]!];
    const cx = px + loc[i * 4]! * VARIANCE[0] * pw,
      cy = py + loc[i * 4 + 1]! * VARIANCE[0] * ph;
    const w = pw * Math.exp(loc[i * 4 + 2]! * VARIANCE[1]),
      h = ph * Math.exp(loc[i * 4 + 3]! * VARIANCE[1]);
    const keypoints: Point[] = [];
    for (let k = 0; k < 5; k++) {
      keypoints.push([
        px + landms[i * 10 + 2 * k]! * VARIANCE[0] * pw,
        py + landms[i * 10 + 2 * k + 1]! * VARIANCE[0] * ph,
      ]);
    }
    const box: Box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
    candidates.push({ box, score, keypoints });
  }
  return nms(candidates, { iouThreshold: RETINAFACE_NMS_IOU });
}

/** Bring-your-own RetinaFace ONNX (Pytorch_Retinaface export): NCHW BGR minus (104,117,123), top-left letterbox. */
export class RetinafaceDetector implements FaceDetectorModel {
  readonly family = 'retinaface';
  private readonly spec: InputSpec;
  private readonly priors: Float32Array;

  constructor(
    private readonly session: ModelSession,
    inputSize: number,
  ) {
    this.spec = {
      width: inputSize,
      height: inputSize,
      layout: 'nchw',
      order: 'bgr',
      mean: [104, 117, 123],
      std: [1, 1, 1],
      fill: 0,
    };
    this.priors = retinafacePriors(inputSize, inputSize);
  }

  async detect(img: DecodedImage, opts: DetectOptions): Promise<FaceDetection[]> {
    const { out, place } = await runFitted(this.session, img, opts.region ?? wholeImage(img), this.spec, 'topleft');
    const loc = outputByShape(out, 'RetinaFace loc [1,N,4]', (d) => d.at(-1) === 4);
    const conf = outputByShape(out, 'RetinaFace conf [1,N,2]', (d) => d.at(-1) === 2);
    const landms = outputByShape(out, 'RetinaFace landms [1,N,10]', (d) => d.at(-1) === 10);
    return decodeRetinaface(loc.data, conf.data, landms.data, this.priors, opts.minScore).map((f) => ({
      box: place.box(f.box),
      score: f.score,
      keypoints: f.keypoints.map(place.point),
    }));
  }
}
