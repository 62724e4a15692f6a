import type { Box, Point } from '../../pipeline/geometry.js';
import { weightedNms } from '../../pipeline/nms.js';
import type { DecodedImage } from '../image.js';
import type { ModelSession, TensorData } from '../session.js';
import { runFitted, sigmoid, wholeImage, type InputSpec } from './input-tensor.js';
import { outputByShape, type DetectOptions, type FaceDetection, type FaceDetectorModel } from './types.js';

export const BLAZEFACE_SIZE = 256;
const KEYPOINTS = 6;
/** Overlapping anchors above this IoU merge into one face (weighted NMS). */
const MERGE_IOU = 0.3;
/** Pad around the searched region, as a share of its longer side: tight crops otherwise fail. */
export const BLAZEFACE_PAD = 0.25;

/** Anchor centres in input pixels: 16x16 cells of 2 anchors, then 8x8 cells of 6 (896 for 256 px). */
export function blazefaceAnchors(size = BLAZEFACE_SIZE): Point[] {
  const anchors: Point[] = [];
  for (const [stride, perCell] of [
    [size / 16, 2],
    [size / 8, 6],
  ] as const) {
    const cells = Math.ceil(size / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) anchors.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
      }
    }
  }
  return anchors;
}

/**
 * Decodes raw BlazeFace outputs (one logit and 16 regressors per anchor: centre
 * offset, size, 6 keypoint offsets, all in input pixels) into faces in input pixels.
 */
export function decodeBlazeface(
  logits: Float32Array,
  regressors: Float32Array,
  anchors: readonly Point[],
  minScore: number,
): FaceDetection[] {
  const candidates: FaceDetection[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const score = sigmoid(Math.max(-100, Math.min(100, logits[i]!)));
    if (score < minScore) continue;
    const r = i * 16;
    const [ax, ay] = anchors[i]!;
    const cx = regressors[r]! + ax,
      cy = regressors[r + 1]! + ay;
    const w = regressors[r + 2]!,
      h = regressors[r + 3]!;
    const keypoints: Point[] = [];
    for (let k = 0; k < KEYPOINTS; k++)
      keypoints.push([regressors[r + 4 + 2 * k]! + ax, regressors[r + 5 + 2 * k]! + ay]);
    candidates.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, keypoints });
  }
  return weightedNms(candidates, { iouThreshold: MERGE_IOU });
}

/** @vladmandic/human's BlazeFace (back-camera model), converted to ONNX: NHWC, [-1, 1]. */
export class BlazefaceDetector implements FaceDetectorModel {
  readonly family = 'blazeface';
  private readonly anchors = blazefaceAnchors();
  private readonly spec: InputSpec = {
    width: BLAZEFACE_SIZE,
    height: BLAZEFACE_SIZE,
    layout: 'nhwc',
    order: 'rgb',
    mean: [127.5, 127.5, 127.5],
    std: [127.5, 127.5, 127.5],
    fill: 0,
  };

  constructor(private readonly session: ModelSession) {}

  async detect(img: DecodedImage, opts: DetectOptions): Promise<FaceDetection[]> {
    const r = opts.region ?? wholeImage(img);
    const pad = BLAZEFACE_PAD * Math.max(r[2] - r[0], r[3] - r[1]);
    const padded: Box = [r[0] - pad, r[1] - pad, r[2] + pad, r[3] + pad];
    const { out, place } = await runFitted(this.session, img, padded, this.spec, 'center');
    const { logits, regressors } = blazefaceOutputs(out);
    return decodeBlazeface(logits, regressors, this.anchors, opts.minScore).map((f) => ({
      box: place.box(f.box),
      score: f.score,
      keypoints: f.keypoints.map(place.point),
    }));
  }
}

/** The converted graph keeps TF.js's four outputs (512- and 384-anchor heads): concatenated 512 first. */
function blazefaceOutputs(out: Record<string, TensorData>): { logits: Float32Array; regressors: Float32Array } {
  const s512 = outputByShape(out, 'BlazeFace 512-anchor score', (d) => d.at(-2) === 512 && d.at(-1) === 1);
  const r512 = outputByShape(out, 'BlazeFace 512-anchor regressor', (d) => d.at(-2) === 512 && d.at(-1) === 16);
  const s384 = outputByShape(out, 'BlazeFace 384-anchor score', (d) => d.at(-2) === 384 && d.at(-1) === 1);
  const r384 = outputByShape(out, 'BlazeFace 384-anchor regressor', (d) => d.at(-2) === 384 && d.at(-1) === 16);
  const logits = new Float32Array(896);
  logits.set(s512.data, 0);
  logits.set(s384.data, 512);
  const regressors = new Float32Array(896 * 16);
  regressors.set(r512.data, 0);
  regressors.set(r384.data, 512 * 16);
  return { logits, regressors };
}
