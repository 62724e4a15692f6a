import type { Point } from '../../pipeline/geometry.js';
import { nms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession, TensorData } from '../session.js';
import { runFitted, wholeImage, type InputSpec } from './input-tensor.js';
import { ModelLayoutError, type DetectOptions, type FaceDetection, type FaceDetectorModel } from './types.js';

/** insightface's SCRFD NMS IoU. */
const SCRFD_NMS_IOU = 0.4;

/** One stride of SCRFD's head (per anchor: score, 4 distances, 10 landmark offsets; all in strides). */
export interface ScrfdLevel {
  stride: number;
  scores: Float32Array;
  bbox: Float32Array;
  kps?: Float32Array;
}

/**
 * Decodes SCRFD heads into faces in input pixels. Anchors sit on cell corners
 * (gx·s, gy·s), `anchorsPerCell` of them per cell; box = anchor ∓ distance·s
 * (left, top, right, bottom); landmarks = anchor + offset·s.
 */
export function decodeScrfd(
  levels: readonly ScrfdLevel[],
  input: { width: number; height: number },
  minScore: number,
): FaceDetection[] {
  const candidates: FaceDetection[] = [];
  for (const { stride, scores, bbox, kps } of levels) {
    const cols = Math.ceil(input.width / stride);
    const cells = cols * Math.ceil(input.height / stride);
    const perCell = scores.length / cells;
    if (!Number.isInteger(perCell) || perCell < 1) {
      throw new ModelLayoutError(`SCRFD stride ${stride}: ${scores.length} scores do not fit ${cells} cells`);
    }
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i]!;
      if (!(score >= minScore)) continue;
      const cell = Math.floor(i / perCell);
      const ax = (cell % cols) * stride,
        ay = Math.floor(cell / cols) * stride;
      const b = i * 4;
      const keypoints: Point[] = [];
      if (kps)
        for (let k = 0; k < 5; k++)
          keypoints.push([ax + kps[i * 10 + 2 * k]! * stride, ay + kps[i * 10 + 2 * k + 1]! * stride]);
      candidates.push({
        box: [
          ax - bbox[b]! * stride,
          ay - bbox[b + 1]! * stride,
          ax + bbox[b + 2]! * stride,
          ay + bbox[b + 3]! * stride,
        ],
        score,
        keypoints,
      });
    }
  }
  return nms(candidates, { iouThreshold: SCRFD_NMS_IOU });
}

/**
 * Groups SCRFD's outputs (insightface exports name them by number) by their last
 * dimension, 1 = scores, 4 = boxes, 10 = landmarks, and by size into strides 8, 16, 32.
 */
export function scrfdLevels(outputs: readonly TensorData[]): ScrfdLevel[] {
  const byLast = (n: number) =>
    outputs.filter((t) => t.dims.at(-1) === n).sort((a, b) => b.data.length / n - a.data.length / n);
  const scores = byLast(1),
    bbox = byLast(4),
    kps = byLast(10);
  if (scores.length === 0 || scores.length !== bbox.length || (kps.length > 0 && kps.length !== scores.length)) {
    throw new ModelLayoutError(
      `SCRFD outputs must be score [N,1], box [N,4] (and landmark [N,10]) per stride; got ${outputs.map((t) => `[${t.dims.join(',')}]`).join(' ')}`,
    );
  }
  return scores.map((s, i) => ({ stride: 8 * 2 ** i, scores: s.data, bbox: bbox[i]!.data, kps: kps[i]?.data }));
}

/** Bring-your-own SCRFD ONNX (insightface): NCHW RGB (x-127.5)/128, top-left letterbox on black. */
export class ScrfdDetector implements FaceDetectorModel {
  readonly family = 'scrfd';
  private readonly spec: InputSpec;

  constructor(
    private readonly session: ModelSession,
    inputSize: number,
  ) {
    this.spec = {
      width: inputSize,
      height: inputSize,
      layout: 'nchw',
      order: 'rgb',
      mean: [127.5, 127.5, 127.5],
      std: [128, 128, 128],
      fill: 0,
    };
  }

  async detect(img: DecodedImage, opts: DetectOptions): Promise<FaceDetection[]> {
    const { out, place } = await runFitted(this.session, img, opts.region ?? wholeImage(img), this.spec, 'topleft');
    return decodeScrfd(scrfdLevels(Object.values(out)), this.spec, opts.minScore).map((f) => ({
      box: place.box(f.box),
      score: f.score,
      keypoints: f.keypoints.map(place.point),
    }));
  }
}
